package dev.realtimekit;

/** The answer of a {@link TopicAuthorizer}, and the HTTP status the handshake gets for it. */
public enum TopicAccess {
    /** The user may subscribe: the upgrade proceeds. */
    ALLOWED(101),
    /** The topic exists but this user may not join it: HTTP 403. */
    FORBIDDEN(403),
    /** There is no such topic (or its existence must not be revealed): HTTP 404. */
    NOT_FOUND(404);

    private final int httpStatus;

    TopicAccess(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** @return the HTTP status of the handshake for this answer (101 for an allowed upgrade) */
    public int httpStatus() {
        return httpStatus;
    }
}
