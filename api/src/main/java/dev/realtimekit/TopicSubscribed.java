package dev.realtimekit;

/**
 * CDI event: a connection receives a topic's events from now on; for the path topic fired right
 * after {@link ConnectionOpened}. Threads and failures as for {@link ConnectionOpened}.
 *
 * @param connectionId the connection's id
 * @param userId the user, as the {@link TokenValidator} identified it
 * @param topic the topic subscribed
 */
public record TopicSubscribed(String connectionId, Object userId, String topic) {
}
