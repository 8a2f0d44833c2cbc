package dev.realtimekit;

/**
 * Marks an event type whose broadcasts skip the connection that caused them: an event returned by
 * {@link MessageHandler#handleBroadcastMessage} whose class implements this interface reaches every
 * subscriber of the topic, on every node, except the sender (for example "alice joined", or a
 * cursor position the sender already shows). Other events reach the sender too, as before.
 *
 * <p>For one event at a time, use {@link ConnectionContext#broadcastToOthers} instead.
 */
public interface ExcludesSender {
}
