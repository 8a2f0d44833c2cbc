package dev.realtimekit.impl.codec;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The error frame every client gets for a failed message: {@code {"type":"error","message":"..."}}.
 *
 * @param type always {@code "error"}
 * @param message what went wrong, in words fit for the client
 */
@JsonbPropertyOrder({"type", "message"})
public record ErrorFrame(String type, String message) {

    /** The message of every failure whose details are only logged. */
    public static final String INTERNAL_ERROR = "Internal server error";

    public ErrorFrame(String message) {
        this("error", message);
    }
}
