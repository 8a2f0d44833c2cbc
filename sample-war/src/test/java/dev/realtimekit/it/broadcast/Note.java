package dev.realtimekit.it.broadcast;

/**
 * The broadcast tests' message and event. Actions: {@code whoami} (answered with the connection id),
 * {@code join} (broadcast as a {@link Joined} that skips the sender), {@code others} (sent to the
 * others with {@code broadcastToOthers}); none ({@code {"type":"ping"}}) is answered with
 * {@code {"type":"pong"}}; anything else is broadcast back.
 *
 * @param action what to do
 * @param text anything
 */
public record Note(String action, String text) {
}
