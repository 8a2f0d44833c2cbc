package dev.realtimekit.it.limits;

/**
 * The limits tests' message and event: {@code ping} is answered directly with {@code pong}, {@code hang}
 * gets a stage that never completes, anything else is broadcast back.
 *
 * @param action what to do
 * @param text anything; {@code ping} echoes it
 */
public record Command(String action, String text) {
}
