package dev.realtimekit.impl.bus;

import java.util.concurrent.CompletionStage;

import dev.realtimekit.impl.history.HistoryPage;

/**
 * Carries serialized events between the nodes that serve a topic. The in-JVM bus serves one node; a
 * cluster bus (Redis) carries each event to every node subscribed to its topic.
 *
 * <p>The {@link dev.realtimekit.impl.registry.TopicRegistry} decides what this node is subscribed to:
 * it calls {@link #subscribe} when a topic gets its first local subscriber and {@link #unsubscribe}
 * when the last one leaves. Every method is thread-safe and returns without blocking.
 */
public interface EventBus extends AutoCloseable {

    /** Receives the events of the topics this node is subscribed to. */
    @FunctionalInterface
    interface Listener {
        /**
         * @param topic the topic the event was published to
         * @param payload the event's JSON text, exactly as published
         */
        void onEvent(String topic, String payload);

        /**
         * Receives an event with the time it was published; buses call this one.
         *
         * @param publishedMicros when it was published ({@link PublishTime#now()} on the publishing
         *     node), or {@link PublishTime#UNKNOWN}
         */
        default void onEvent(String topic, String payload, long publishedMicros) {
            onEvent(topic, payload);
        }

        /**
         * The bus may have missed events of the topic: its subscription was interrupted (a lost
         * connection, a Redis restart, a repaired subscription) and is delivering again.
         */
        default void onPossibleGap(String topic) {
        }
    }

    /** Starts delivering events to the listener; called once, before any other method. */
    void start(Listener listener);

    /**
     * @return a stage that completes when events of the topic are delivered to the listener (for a
     *     cluster bus: when the subscription is confirmed), or fails when it cannot be established
     */
    CompletionStage<Void> subscribe(String topic);

    /** @return a stage that completes when the node no longer receives the topic's events */
    CompletionStage<Void> unsubscribe(String topic);

    /**
     * Publishes an event to every node subscribed to the topic, this one included, at most once (on a
     * history topic numbered, kept in its history and delivered as {@link
     * dev.realtimekit.impl.history.NumberedEvents numbered}, in one step): a
     * subscriber never gets it twice. A stage that completed normally means every node whose
     * subscription is connected at that moment gets it (a node reconnecting to Redis misses it: pub/sub
     * keeps nothing); a failed stage means it may still be delivered (once) or not at all.
     *
     * <p>Publishes to one topic reach every subscriber in the order they were made, also when the
     * caller does not wait for one stage before the next publish (the dispatcher does not).
     *
     * @return a stage that completes when the bus accepted the event, or fails (fast) when it cannot
     */
    CompletionStage<Void> publish(String topic, String payload);

    /**
     * Reads a history topic's position and kept events ({@code realtime.history.*}). A topic without
     * history yet gets one: a new epoch at position 0.
     *
     * @param afterSeq the events numbered above this are wanted; {@link Long#MAX_VALUE}: the position only
     * @return a stage with the page, or failing when the history cannot be read (or this bus keeps none)
     */
    default CompletionStage<HistoryPage> readHistory(String topic, long afterSeq) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException(describe() + " keeps no history"));
    }

    /** @return a short description for logs, never containing credentials */
    String describe();

    /**
     * What the health checks report about the bus: counts and flags, never topic names.
     *
     * @param kind {@code "redis"} or {@code "in-jvm"}
     * @param reachable whether the bus's broker answers (always true for the in-JVM bus)
     * @param subscriptions channels this node subscribes, the kit's own included
     * @param deafSubscriptions subscriptions the self-check found not delivering and has not yet seen deliver again
     * @param broken whether the bus can no longer work by itself (closed, or its client shut down, while the
     *     application runs); only a restart helps
     */
    record Status(String kind, boolean reachable, int subscriptions, int deafSubscriptions, boolean broken) {
    }

    /** @return the bus's state now; cheap, never blocks, never throws */
    Status status();

    @Override
    void close();
}
