package dev.realtimekit.impl.registry;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.PublishTime;
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
    }

    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final EventBus bus;
    private final RealtimeMetrics metrics;
    /** Told about each event of an application topic once it was handed to the local subscribers; null: nobody listens. */
    private final BiConsumer<String, String> delivered;

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
        this.bus = bus;
        this.metrics = metrics;
        this.delivered = delivered;
    }

    /**
     * Adds a subscriber; the first subscriber of a topic subscribes this node to it on the bus.
     *
     * @return a stage that completes when the topic's events reach this node (immediately when the
     *     topic was already subscribed), or fails when the bus subscription failed; the subscriber is
     *     then already removed again
     */
    public CompletionStage<Void> add(Subscriber subscriber) {
        Topic topic = topics.compute(subscriber.topic(), (name, existing) -> {
            Topic t = existing != null ? existing : new Topic(subscribe(name));
            if (t.members.add(subscriber) && !TopicNames.isInternal(name)) {
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
            if (topic.members.remove(subscriber) && !TopicNames.isInternal(name)) {
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
            for (Subscriber subscriber : topic.members) {
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
        final Set<Subscriber> members = ConcurrentHashMap.newKeySet();
        final CompletableFuture<Void> subscribed;

        Topic(CompletableFuture<Void> subscribed) {
            this.subscribed = subscribed;
        }
    }
}
