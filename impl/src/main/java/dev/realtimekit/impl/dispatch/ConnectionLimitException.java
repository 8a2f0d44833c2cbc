package dev.realtimekit.impl.dispatch;

/** A handshake refused because this node, or this user on it, holds as many connections as allowed. */
public final class ConnectionLimitException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    ConnectionLimitException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** @return the HTTP status to answer with: 503 when the node is full, 429 when the user is */
    public int status() {
        return status;
    }
}
