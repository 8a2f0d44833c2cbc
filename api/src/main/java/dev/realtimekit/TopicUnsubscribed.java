package dev.realtimekit;

/**
 * CDI event: a connection no longer receives a topic's events; for the path topic fired when the
 * connection has gone, right before {@link ConnectionClosed}. Threads and failures as for
 * {@link ConnectionOpened}.
 *
 * @param connectionId the connection's id
 * @param userId the user, as the {@link TokenValidator} identified it
 * @param topic the topic left
 */
public record TopicUnsubscribed(String connectionId, Object userId, String topic) {
}
