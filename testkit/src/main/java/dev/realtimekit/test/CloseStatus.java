package dev.realtimekit.test;

/**
 * How a simulated connection was closed: the WebSocket close code and reason, as the client would
 * read them from the close frame.
 *
 * @param code the close code, e.g. 1000 (normal), 1008 (policy violation: rate limit), 1009 (message
 *     too big), 1011 (onConnect failed), 1012 (node stopped)
 * @param reason the close reason, possibly empty
 */
public record CloseStatus(int code, String reason) {
}
