package dev.realtimekit.impl.registry;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.PublishTime;
import dev.realtimekit.impl.history.NumberedEvents;
import dev.realtimekit.impl.history.Position;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.RealtimeMetrics;

/**
 * This node's map from topic to its local subscribers, and the owner of this node's bus
 * subscriptions: a topic is subscribed on the bus while it has at least one local subscriber.
 *
 * <p>Thread-safe. {@link #onEvent} hands one payload to every local subscriber of the topic; for one
 * topic, deliveries never interleave, so every subscriber sees the topic's events in the same order.
 * A subscriber that throws is skipped, never the others.
 */
public final class TopicRegistry implements EventBus.Listener {

    /** A local receiver of a topic's events. */
    public interface Subscriber {
        /** @return the topic this subscriber belongs to; constant */
        String topic();

        /** @return an id for logs */
        String id();

        /** Queues the frame for the client; must not block. */
        void deliver(String frame);

        /**
         * Queues a frame exactly as given: a history topic's frames name their topic already. Must not
         * block. By default the same as {@link #deliver}.
         */
        default void deliverFrame(String frame) {
            deliver(frame);
        }
    }

    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final EventBus bus;
    private final RealtimeMetrics metrics;
    /** Told about each event of an application topic once it was handed to the local subscribers; null: nobody listens. */
    private final BiConsumer<String, String> delivered;
    /** Null when no topic keeps a history. */
    private final History history;

    public TopicRegistry(EventBus bus) {
        this(bus, RealtimeMetrics.NONE, null);
    }

    /** @param metrics told about each event of an application topic handed to local subscribers */
    public TopicRegistry(EventBus bus, RealtimeMetrics metrics) {
        this(bus, metrics, null);
    }

    /**
     * @param metrics told about each event of an application topic handed to local subscribers
     * @param delivered told (topic, frame) about each event of an application topic right after it was
     *     handed to the local subscribers, under the topic's delivery order, or null
     */
    public TopicRegistry(EventBus bus, RealtimeMetrics metrics, BiConsumer<String, String> delivered) {
        this(bus, metrics, delivered, null);
    }

    /**
     * @param history the history topics and how to read their history, or null when no topic keeps one
     */
    public TopicRegistry(EventBus bus, RealtimeMetrics metrics, BiConsumer<String, String> delivered, History history) {
        this.bus = bus;
        this.metrics = metrics;
        this.delivered = delivered;
        this.history = history != null && history.settings().any() ? history : null;
    }

    /** @return whether the topic keeps a history: its frames are numbered, and subscribers may recover */
    public boolean hasHistory(String topic) {
        return history != null && !TopicNames.isInternal(topic) && history.settings().enabled(topic);
    }

    /** @return how many history reads this node made so far */
    public long historyReads() {
        return history == null ? 0 : history.readCount();
    }

    /**
     * Adds a subscriber; the first subscriber of a topic subscribes this node to it on the bus.
     *
     * @return a stage that completes when the topic's events reach this node (immediately when the
     *     topic was already subscribed), or fails when the bus subscription failed; the subscriber is
     *     then already removed again
     */
    public CompletionStage<Void> add(Subscriber subscriber) {
        return add(subscriber, null, "");
    }

    /**
     * Adds a subscriber, as {@link #add(Subscriber)}; on a history topic it then gets a position frame
     * before any event ({@code subscribed}; with {@code since}: the events it missed and
     * {@code recovered}, or {@code resync}), and the stage completes only once that frame was handed
     * to it, so that a connection's first frames are its position (and its recovery).
     *
     * @param since where the subscriber stands, or null; ignored on topics without history
     * @param idMember appended to the position frame (e.g. {@code ,"id":"s-1"}), or empty
     */
    public CompletionStage<Void> add(Subscriber subscriber, Position since, String idMember) {
        if (!hasHistory(subscriber.topic())) {
            return addPlain(subscriber);
        }
        Topic topic;
        CompletableFuture<Void> positioned;
        while (true) {
            topic = topics.compute(subscriber.topic(), (name, existing) -> existing != null ? existing : historyTopic(name));
            synchronized (topic) {
                if (!topic.removed) {
                    if (topic.add(subscriber)) {
                        subscribers.incrementAndGet();
                    }
                    positioned = topic.history.join(subscriber, since, idMember);
                    break;
                }
            }
        }
        return topic.subscribed.thenCompose(ignored -> positioned).whenComplete((ignored, failure) -> {
            if (failure != null) {
                remove(subscriber);
            }
        });
    }

    /** A history topic; it learns its position once its bus subscription is confirmed. */
    private Topic historyTopic(String name) {
        Topic topic = new Topic(subscribe(name));
        topic.history = new HistoryTopic(name, topic, history, topic.members,
                (payload, count) -> afterDelivery(name, topic, payload, count));
        topic.subscribed.thenRun(() -> {
            synchronized (topic) {
                if (!topic.removed) {
                    topic.history.start();
                }
            }
        });
        return topic;
    }

    private void afterDelivery(String name, Topic topic, String payload, int count) {
        if (delivered != null) {
            delivered.accept(name, payload);
        }
        metrics.eventDelivered(count, topic.eventMicros == PublishTime.UNKNOWN ? -1
                : Math.max(0, PublishTime.now() - topic.eventMicros) * 1_000);
    }

    private CompletionStage<Void> addPlain(Subscriber subscriber) {
        Topic topic = topics.compute(subscriber.topic(), (name, existing) -> {
            Topic t = existing != null ? existing : new Topic(subscribe(name));
            if (t.add(subscriber) && !TopicNames.isInternal(name)) {
                subscribers.incrementAndGet();
            }
            return t;
        });
        return topic.subscribed.whenComplete((ignored, failure) -> {
            if (failure != null) {
                remove(subscriber);
            }
        });
    }

    /** Subscribes on the bus; a bus that throws counts as a failed subscription. */
    private CompletableFuture<Void> subscribe(String topic) {
        try {
            return bus.subscribe(topic).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Removes a subscriber (no effect if absent); the last one of a topic unsubscribes this node from it. */
    public void remove(Subscriber subscriber) {
        topics.computeIfPresent(subscriber.topic(), (name, topic) -> {
            if (topic.history != null) {
                synchronized (topic) {
                    if (topic.remove(subscriber)) {
                        subscribers.decrementAndGet();
                    }
                    topic.history.leave(subscriber);
                    if (!topic.members.isEmpty()) {
                        return topic;
                    }
                    topic.removed = true;
                    topic.history.close();
                }
            } else if (topic.remove(subscriber) && !TopicNames.isInternal(name)) {
                subscribers.decrementAndGet();
            }
            if (!topic.members.isEmpty()) {
                return topic;
            }
            bus.unsubscribe(name).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    Messages.unexpected("unsubscribing topic " + name, failure);
                }
            });
            return null;
        });
    }

    /**
     * Delivers a payload received from the bus to every local subscriber of its topic, but the one it
     * excludes (see {@link BusMessages#excluding}).
     */
    @Override
    public void onEvent(String topicName, String payload) {
        onEvent(topicName, payload, PublishTime.UNKNOWN);
    }

    /**
     * As {@link #onEvent(String, String)}; for an application topic, then tells the metrics how many
     * subscribers got it and how long after its publish.
     */
    @Override
    public void onEvent(String topicName, String payload, long publishedMicros) {
        Topic topic = topics.get(topicName);
        if (topic == null) {
            return;
        }
        if (!payload.isEmpty() && payload.charAt(0) == NumberedEvents.MARKER.charAt(0)) {
            NumberedEvents.Numbered numbered = NumberedEvents.read(payload);
            if (numbered != null && topic.history != null) {
                synchronized (topic) {
                    if (!topic.removed) {
                        topic.eventMicros = publishedMicros;
                        topic.history.onEvent(numbered);
                        topic.eventMicros = PublishTime.UNKNOWN;
                    }
                }
                return;
            }
            if (numbered != null) {
                payload = numbered.payload(); // numbered by a node that keeps this topic's history: delivered plain here
            }
        }
        boolean application = !TopicNames.isInternal(topicName);
        int delivered = deliver(topicName, topic, payload, application ? this.delivered : null);
        if (application) {
            metrics.eventDelivered(delivered, publishedMicros == PublishTime.UNKNOWN ? -1
                    : Math.max(0, PublishTime.now() - publishedMicros) * 1_000);
        }
    }

    /**
     * @param observer told about the event after the subscribers, still in the topic's order, or null
     * @return to how many subscribers the payload was handed
     */
    private int deliver(String topicName, Topic topic, String payload, BiConsumer<String, String> observer) {
        int delivered = 0;
        BusMessages.Decoded excluding = BusMessages.excluded(payload);
        String frame = excluding == null ? payload : excluding.frame();
        String excluded = excluding == null ? null : excluding.target();
        synchronized (topic) {
            for (Subscriber subscriber : topic.forDelivery()) {
                if (excluded != null && excluded.equals(subscriber.id())) {
                    continue;
                }
                try {
                    subscriber.deliver(frame);
                    delivered++;
                } catch (RuntimeException e) {
                    Messages.deliveryFailed(subscriber.id(), e);
                }
            }
            if (observer != null) {
                observer.accept(topicName, frame);
            }
        }
        return delivered;
    }

    /**
     * The bus may have missed events of the topic (its subscription was interrupted): a history topic
     * compares its position with the history and fills the gap, or tells its subscribers to resync.
     */
    @Override
    public void onPossibleGap(String topicName) {
        Topic topic = topics.get(topicName);
        if (topic != null && topic.history != null) {
            synchronized (topic) {
                if (!topic.removed) {
                    topic.history.onPossibleGap();
                }
            }
        }
    }

    /** @return the number of application topics with local subscribers (the kit's own topics are not counted) */
    public int topicCount() {
        return (int) topics.keySet().stream().filter(name -> !TopicNames.isInternal(name)).count();
    }

    /** @return the number of local subscribers, over all application topics (the kit's own are not counted) */
    public int subscriberCount() {
        return subscribers.get();
    }

    /** @return the number of local subscribers of one topic */
    public int subscriberCount(String topic) {
        Topic t = topics.get(topic);
        return t == null ? 0 : t.members.size();
    }

    /** @return a snapshot of the topics with local subscribers, the kit's own included */
    public Set<String> topics() {
        return Set.copyOf(topics.keySet());
    }

    private static final class Topic {
        private static final Subscriber[] NONE = new Subscriber[0];

        /** Changed through {@link #add} and {@link #remove} only, so that the delivery snapshot follows. */
        final Set<Subscriber> members = ConcurrentHashMap.newKeySet();
        /**
         * The members as an array, for deliveries: walking an array costs a delivery one load per
         * subscriber, where the set's iterator adds its node's (a cache miss each on a busy server).
         * Rebuilt by the first delivery after a change, so a burst of joins costs one copy per event at
         * most, never one per join. Written by deliveries under this topic's lock; a removal drops it
         * (null), so that a quiet topic does not keep a departed subscriber's session reachable.
         */
        private volatile Subscriber[] snapshot = NONE;
        /** Set after every change of {@link #members}: the next delivery rebuilds {@link #snapshot}. */
        private volatile boolean changed;
        final CompletableFuture<Void> subscribed;
        /** Set for a history topic only; then members change under this topic's lock. */
        HistoryTopic history;
        /** A history topic that lost its last subscriber; guarded by this. */
        boolean removed;
        /** The publish time of the history event being delivered; guarded by this. */
        long eventMicros = PublishTime.UNKNOWN;

        Topic(CompletableFuture<Void> subscribed) {
            this.subscribed = subscribed;
        }

        boolean add(Subscriber subscriber) {
            boolean added = members.add(subscriber);
            changed = true;
            return added;
        }

        boolean remove(Subscriber subscriber) {
            boolean removed = members.remove(subscriber);
            changed = true;
            snapshot = null;
            return removed;
        }

        /**
         * @return the members to deliver an event to; the caller holds this topic's lock. A member added
         *     before this call is in it: its change was flagged after the set changed, and the flag is
         *     cleared before the set is read.
         */
        Subscriber[] forDelivery() {
            Subscriber[] current = snapshot;
            if (changed || current == null) {
                changed = false;
                current = members.toArray(NONE);
                snapshot = current;
            }
            return current;
        }
    }
}
