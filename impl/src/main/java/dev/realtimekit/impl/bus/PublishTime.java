package dev.realtimekit.impl.bus;

import java.time.Instant;

/**
 * When an event was published, carried with it so that every node can measure publish-to-delivery
 * latency. Wall-clock microseconds since the epoch: comparable across nodes as far as their clocks
 * agree (NTP keeps that within about a millisecond). A bus that sends events between processes puts
 * the time in front of the payload ({@link #stamp}) and takes it off again before the listener sees
 * the payload ({@link #read}); the in-JVM bus hands the time over directly.
 */
public final class PublishTime {

    /** The publish time of an event that did not carry one (e.g. from a node of an older version). */
    public static final long UNKNOWN = -1;

    /** No JSON text and no other bus message starts with this control character. */
    private static final char STAMP = '\u0003';

    private PublishTime() {
    }

    /** @return the wall clock now, in microseconds since the epoch */
    public static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** @return the payload with the time now in front: {@code \u0003<micros>:<payload>} */
    public static String stamp(String payload) {
        return STAMP + Long.toString(now()) + ':' + payload;
    }

    /** A payload and the time it was published, or {@link #UNKNOWN}. */
    public record Stamped(String payload, long publishedMicros) {
    }

    /** @return the payload without its stamp and the time it carried; a payload without a stamp unchanged */
    public static Stamped read(String message) {
        if (message.isEmpty() || message.charAt(0) != STAMP) {
            return new Stamped(message, UNKNOWN);
        }
        int colon = message.indexOf(':', 1);
        if (colon < 0) {
            return new Stamped(message, UNKNOWN);
        }
        try {
            return new Stamped(message.substring(colon + 1), Long.parseLong(message, 1, colon, 10));
        } catch (NumberFormatException e) {
            return new Stamped(message, UNKNOWN);
        }
    }
}
