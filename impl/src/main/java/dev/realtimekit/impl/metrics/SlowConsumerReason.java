package dev.realtimekit.impl.metrics;

/** Why a connection was closed for not keeping up: the {@code reason} tag of the slow-consumer counter. */
public enum SlowConsumerReason {
    /** Its send queue was full ({@code realtime.send-queue-capacity} or {@code realtime.send-queue-bytes}). */
    QUEUE_FULL("queue-full"),
    /** A write to it took longer than {@code realtime.send-timeout-ms}. */
    SEND_TIMEOUT("send-timeout");

    private final String tag;

    SlowConsumerReason(String tag) {
        this.tag = tag;
    }

    /** @return the tag value */
    public String tag() {
        return tag;
    }
}
