package dev.realtimekit.test;

/**
 * A simulated handshake was refused, with the HTTP status the real endpoint answers: 400 (malformed
 * topic), 401 (missing or rejected token), 403 or 404 (the topic authorizer, or a
 * {@link dev.realtimekit.HandlerException} of the validator), 429 (the user's connection limit), 503
 * (node full, stopped, or a check or the subscription took longer than {@code realtime.auth-timeout-ms}).
 */
public final class HandshakeRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    HandshakeRefusedException(int status, String topic) {
        super("handshake for topic '" + topic + "' refused with HTTP " + status);
        this.status = status;
    }

    /** @return the HTTP status the real endpoint answers the handshake with */
    public int status() {
        return status;
    }
}
