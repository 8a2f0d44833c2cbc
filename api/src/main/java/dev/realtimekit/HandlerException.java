package dev.realtimekit;

import java.util.Optional;

/**
 * A failure the client is told about: an HTTP-like status code and an optional message.
 *
 * <p>Thrown by a {@link MessageHandler} method, or used to complete its stage exceptionally, it
 * becomes the error frame {@code {"type":"error","message":"..."}} sent to the sender, whose message is
 * {@link #clientMessage()}: the given message, or the status reason phrase when there is none. The
 * counterpart of axum-realtime-kit's {@code HandlerError::Custom}.
 *
 * <p>Thrown by a {@link TokenValidator} or {@link TopicAuthorizer}, its status (400 to 599) becomes the
 * handshake's HTTP status.
 *
 * <p>The message is shown to clients: never put secrets or internal details in it.
 */
public class HandlerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status an HTTP status code from 400 to 599
     * @throws IllegalArgumentException if the status is outside 400 to 599
     */
    public HandlerException(int status) {
        this(status, null);
    }

    /**
     * @param status an HTTP status code from 400 to 599
     * @param message the message for the client, or {@code null} for the status reason phrase
     * @throws IllegalArgumentException if the status is outside 400 to 599
     */
    public HandlerException(int status, String message) {
        super(message, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("HandlerException status must be 400 to 599, not " + status);
        }
        this.status = status;
    }

    /** @return the status code, 400 to 599 */
    public int status() {
        return status;
    }

    /** @return the message given at construction, if any */
    public Optional<String> message() {
        return Optional.ofNullable(getMessage());
    }

    /** @return the text the client sees: the message, or the status reason phrase when there is none */
    public String clientMessage() {
        String message = getMessage();
        return message != null ? message : reasonPhrase(status);
    }

    /**
     * @param status an HTTP status code
     * @return its standard reason phrase, or {@code "Error <status>"} for codes without one
     */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 402 -> "Payment Required";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 423 -> "Locked";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error " + status;
        };
    }
}
