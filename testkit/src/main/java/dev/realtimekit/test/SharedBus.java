package dev.realtimekit.test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.PublishTime;
import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.HistorySettings;

/**
 * What Redis pub/sub is to real nodes, in memory: each simulated node gets its own {@link EventBus}
 * view, and an event published on any of them reaches every node subscribed to its topic, the
 * publisher's included, once, on the publishing thread. Publishes to one topic are delivered to every
 * node in one order (one lock per topic), as Redis does. It can be made unavailable, as Redis can be.
 * History topics ({@code realtime.history.*}) are numbered and kept once for all nodes, by the kit's
 * in-JVM bus, as Redis keeps them for real nodes.
 */
final class SharedBus {

    private static final Logger LOG = Logger.getLogger(SharedBus.class.getName());
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final List<NodeBus> nodes = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Object> topicOrder = new ConcurrentHashMap<>();
    private volatile boolean available = true;
    /** Numbers and keeps history topics' events, and hands every event to the nodes. */
    private final LocalEventBus numbering;

    SharedBus(HistorySettings history) {
        numbering = new LocalEventBus(history);
        numbering.start(new EventBus.Listener() {
            @Override
            public void onEvent(String topic, String payload) {
                onEvent(topic, payload, PublishTime.UNKNOWN);
            }

            @Override
            public void onEvent(String topic, String payload, long publishedMicros) {
                for (NodeBus node : nodes) {
                    node.deliver(topic, payload, publishedMicros);
                }
            }
        });
    }

    EventBus join() {
        NodeBus bus = new NodeBus();
        nodes.add(bus);
        return bus;
    }

    void available(boolean available) {
        this.available = available;
    }

    private CompletionStage<Void> publish(String topic, String payload) {
        if (!available) {
            return CompletableFuture.failedFuture(new IllegalStateException("the simulated bus is unavailable"));
        }
        synchronized (topicOrder.computeIfAbsent(topic, name -> new Object())) {
            return numbering.publish(topic, payload);
        }
    }

    /** One node's view of the shared bus. */
    private final class NodeBus implements EventBus {
        private final Set<String> topics = ConcurrentHashMap.newKeySet();
        private volatile Listener listener;
        private volatile boolean closed;

        void deliver(String topic, String payload, long publishedMicros) {
            Listener current = listener;
            if (closed || current == null || !topics.contains(topic)) {
                return;
            }
            try {
                current.onEvent(topic, payload, publishedMicros);
            } catch (RuntimeException e) {
                // One node's failure must not keep the event from the others, as with Redis.
                LOG.log(Level.WARNING, "A simulated node failed to take an event of " + topic, e);
            }
        }

        @Override
        public void start(Listener listener) {
            this.listener = listener;
        }

        @Override
        public CompletionStage<Void> subscribe(String topic) {
            if (!available) {
                return CompletableFuture.failedFuture(new IllegalStateException("the simulated bus is unavailable"));
            }
            topics.add(topic);
            return DONE;
        }

        @Override
        public CompletionStage<Void> unsubscribe(String topic) {
            topics.remove(topic);
            return DONE;
        }

        @Override
        public CompletionStage<Void> publish(String topic, String payload) {
            return closed ? CompletableFuture.failedFuture(new IllegalStateException("the node is stopped"))
                    : SharedBus.this.publish(topic, payload);
        }

        @Override
        public CompletionStage<HistoryPage> readHistory(String topic, long afterSeq) {
            return numbering.readHistory(topic, afterSeq);
        }

        @Override
        public String describe() {
            return "simulated (in memory, shared by the test's nodes)";
        }

        @Override
        public Status status() {
            return new Status("simulated", available, topics.size(), 0, closed);
        }

        @Override
        public void close() {
            closed = true;
            nodes.remove(this);
        }
    }
}
