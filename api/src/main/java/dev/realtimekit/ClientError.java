package dev.realtimekit;

import jakarta.json.JsonValue;

/**
 * A failure the kit answers with an error frame, as an {@link ErrorFrameMapper} sees it. By default
 * the client gets {@code {"type":"error","message":<message>}}, with {@code "id":<messageId>} added
 * when the failed message carried one.
 *
 * @param reason why, one of the stable tags {@code invalid-format}, {@code application} (the handler
 *     threw a {@link HandlerException}), {@code internal}, {@code handler-timeout},
 *     {@code broadcast-failed}, {@code too-many-pending}, {@code rate-limited} and {@code binary}
 *     (the same values as the {@code reason} tag of the error-frame metric)
 * @param message the default frame's message: fit for the client, never internals (for
 *     {@code application}, the {@link HandlerException}'s client message)
 * @param messageId the failed message's top-level {@code "id"} member, a {@link jakarta.json.JsonString}
 *     or {@link jakarta.json.JsonNumber} (JSON-B writes it back as the same value), or null when it had none
 *     (or the message was no well-formed JSON object, or binary, or the failure belongs to no
 *     message); strings longer than 128 characters are not echoed
 */
public record ClientError(String reason, String message, JsonValue messageId) {
}
