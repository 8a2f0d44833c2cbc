package dev.realtimekit.it.history;

/** The storm test's message and event. @param text anything */
public record Line(String text) {
}
