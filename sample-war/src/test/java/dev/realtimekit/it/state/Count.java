package dev.realtimekit.it.state;

/**
 * The shared counter's message and event: {@code {"text":"increment"}} is broadcast as the new
 * value, {@code {"text":"get"}} is answered with it; both as {@code {"text":"count=N"}}.
 *
 * @param text the command, or the value
 */
public record Count(String text) {
}
