package dev.realtimekit;

import java.util.concurrent.CompletionStage;

/**
 * Publishes from anywhere in the application (a REST resource, a scheduler, a message consumer):
 * to a topic's subscribers, one user's connections or one connection, on every node of the cluster.
 * Inject it: {@code @Inject Broadcaster broadcaster;}.
 *
 * <p>Values are serialized once with JSON-B, on the calling thread, and travel through the same bus
 * as the handlers' broadcasts (in-JVM on one node, Redis pub/sub across nodes). The frames reach the
 * clients exactly as a handler's broadcast event or {@link ConnectionContext#send} would: bare, with
 * no envelope. Every method is thread-safe and never blocks; none waits for the clients.
 *
 * <p><b>Ordering.</b> A topic's events reach all its subscribers, on every node, in one order, the
 * order in which the bus accepted them. Two publishes from one thread are accepted in call order only
 * if the second starts after the first stage completed; otherwise they may be reordered.
 *
 * <p><b>Stages.</b> Each stage completes when the bus accepted the value: on one node, once it is
 * queued for every local recipient; with Redis, once Redis took it. It fails, as a handler's broadcast
 * does, when the bus could not take it (Redis unreachable or slower than
 * {@code realtime.redis.publish-timeout-ms}); a failed publish may still be delivered, at most once.
 * A completed stage says nothing about the clients: a recipient that is not connected at that moment
 * (or anywhere) simply gets nothing. A stage that completes after the call returned completes on one
 * of the kit's managed threads, with the application's context (never on Redisson's threads), so its
 * continuations may use the application's resources; keep them short, they share those threads with
 * the handlers.
 */
public interface Broadcaster {

    /**
     * Publishes an event to every subscriber of the topic on every node.
     *
     * @param topic the topic, as in the endpoint path (not blank, no control characters)
     * @param event the value to serialize, not {@code null}
     * @return a stage as described above; failed at once (without publishing) for a {@code null} event,
     *     an invalid topic or a value JSON-B cannot serialize
     */
    CompletionStage<Void> publish(String topic, Object event);

    /**
     * Publishes an event to every subscriber of the topic but one connection (typically the sender of
     * a notice about itself), on every node; the excluded connection is filtered out where it is
     * delivered.
     *
     * @param excludedConnectionId the {@link ConnectionContext#connectionId()} that gets nothing; a
     *     connection id that does not exist excludes nobody
     * @return as for {@link #publish(String, Object)}
     */
    CompletionStage<Void> publish(String topic, Object event, String excludedConnectionId);

    /**
     * Sends a value to every connection of one user, on every node, whatever their topics, and to
     * nobody else. Users are matched across nodes by {@code String.valueOf(userId)}: user ids must
     * have a {@code toString} that is stable and unique per user (a UUID, a number, a string, a record
     * of those), as the {@link TokenValidator} produced them.
     *
     * @param userId the user, as the {@link TokenValidator} identified it; not {@code null}
     * @param value the value to serialize, not {@code null}
     * @return as for {@link #publish(String, Object)}
     */
    CompletionStage<Void> sendToUser(Object userId, Object value);

    /**
     * Sends a value to one connection, on whichever node it is connected.
     *
     * @param connectionId a {@link ConnectionContext#connectionId()}
     * @param value the value to serialize, not {@code null}
     * @return as for {@link #publish(String, Object)}
     */
    CompletionStage<Void> sendToConnection(String connectionId, Object value);
}
