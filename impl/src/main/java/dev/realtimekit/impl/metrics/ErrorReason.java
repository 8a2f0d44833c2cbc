package dev.realtimekit.impl.metrics;

/** Why an error frame was sent: the {@code reason} tag of the error-frame counter. */
public enum ErrorReason {
    /** The text was not a message of the handler's type. */
    INVALID_FORMAT("invalid-format"),
    /** The handler failed with a {@link dev.realtimekit.HandlerException}: its message went to the client. */
    APPLICATION("application"),
    /** The handler or the kit failed unexpectedly; the client got the generic internal error. */
    INTERNAL("internal"),
    /** The handler's stage took longer than {@code realtime.handler-timeout-ms}. */
    HANDLER_TIMEOUT("handler-timeout"),
    /** The bus refused the broadcast event or did not answer in time. */
    BROADCAST_FAILED("broadcast-failed"),
    /** More messages waited than {@code realtime.max-pending-messages}. */
    TOO_MANY_PENDING("too-many-pending"),
    /** The connection exceeded its rate limit. */
    RATE_LIMITED("rate-limited"),
    /** A binary frame, which the kit does not accept. */
    BINARY("binary"),
    /** A subscribe frame was refused (unknown, forbidden, invalid topic or too many topics). */
    TOPIC_REFUSED("topic-refused");

    private final String tag;

    ErrorReason(String tag) {
        this.tag = tag;
    }

    /** @return the tag value */
    public String tag() {
        return tag;
    }
}
