package dev.realtimekit;

/**
 * CDI event: a connection was opened and its handler's {@code onConnect} completed normally. Observe
 * it with {@code @Observes} (called on the connection's own handler thread, before its first message
 * is handled: keep it short) or {@code @ObservesAsync} (on the managed executor, in no particular
 * order with the connection's messages). Fired on the node that holds the connection only. A failing
 * observer is logged and changes nothing for the connection.
 *
 * @param connectionId the connection's id
 * @param userId the user, as the {@link TokenValidator} identified it
 * @param topic the connection's path topic
 */
public record ConnectionOpened(String connectionId, Object userId, String topic) {
}
