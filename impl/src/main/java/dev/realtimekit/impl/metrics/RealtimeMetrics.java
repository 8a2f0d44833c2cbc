package dev.realtimekit.impl.metrics;

/**
 * What the kit counts and times, told by the places where it happens; a backend ({@link MetricsBackends})
 * turns it into MicroProfile Metrics or OpenTelemetry instruments, or ignores it ({@link #NONE}).
 *
 * <p>Every method is thread-safe, never blocks and never throws. Nothing passed here names a topic, a
 * user or a connection: tags are the endpoint's path template and small fixed sets of values, so the
 * number of series does not grow with traffic.
 */
public interface RealtimeMetrics {

    /** Counts nothing. */
    RealtimeMetrics NONE = new RealtimeMetrics() {
    };

    /** A WebSocket session opened. */
    default void connectionOpened() {
    }

    /** A session closed, for any reason, with the close code the container reported. */
    default void connectionClosed(int closeCode) {
    }

    /** A handshake was answered with an HTTP status instead of an upgrade. */
    default void handshakeRefused(int status) {
    }

    /** A text or binary frame arrived from a client. */
    default void messageReceived() {
    }

    /** A message was refused (error frame, or 1008 for a flood) because its connection exceeded its rate limit. */
    default void rateLimited() {
    }

    /** An error frame was queued for a client. */
    default void errorFrameSent(ErrorReason reason) {
    }

    /**
     * A text frame was written to a client, or its write started.
     *
     * @param blocking whether with a blocking write (the client kept up with its send window) or an
     *     asynchronous one (it was behind, or the container was writing a frame of its own)
     */
    default void frameSent(boolean blocking) {
    }

    /** A connection was closed because it did not keep up with its frames. */
    default void slowConsumerClosed(SlowConsumerReason reason) {
    }

    /**
     * An event was handed to the bus and the bus answered.
     *
     * @param nanos from the call to publish to the bus's answer
     * @param failed whether the bus refused it or did not answer in time
     */
    default void eventPublished(long nanos, boolean failed) {
    }

    /**
     * A call into the application's handler completed.
     *
     * @param method the handler method ({@code onConnect}, {@code handleDirectMessage}, ...): a constant
     * @param nanos from the call to the completion of its stage
     * @param failed whether it threw, failed its stage or timed out
     */
    default void handlerCompleted(String method, long nanos, boolean failed) {
    }

    /**
     * An event of an application topic reached this node and was handed to its local subscribers.
     *
     * @param deliveries how many local subscribers it was handed to
     * @param latencyNanos from its publish (by the publishing node's wall clock) to now, when this
     *     node has written or queued it for every local subscriber; negative when unknown
     */
    default void eventDelivered(int deliveries, long latencyNanos) {
    }

    /** Redis became unreachable (once per outage). */
    default void redisOutage() {
    }

    /** Subscriptions found deaf were subscribed anew, or handed to a new client. */
    default void subscriptionsRepaired(int count) {
    }

    /** Removes what this registered; called once when the application stops. */
    default void close() {
    }
}
