package dev.realtimekit;

/**
 * CDI event: a connection for which {@link ConnectionOpened} was fired has gone and its handler's
 * {@code onDisconnect} has run; fired once per such connection, after its {@link TopicUnsubscribed}
 * events. Threads and failures as for {@link ConnectionOpened}.
 *
 * @param connectionId the connection's id
 * @param userId the user, as the {@link TokenValidator} identified it
 * @param topic the connection's path topic
 */
public record ConnectionClosed(String connectionId, Object userId, String topic) {
}
