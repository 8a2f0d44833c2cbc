package dev.realtimekit.it.lifecycle;

/**
 * The test handler's message and event.
 *
 * @param text anything
 */
public record Note(String text) {
}
