package dev.realtimekit.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * The single scheduler thread's sending loop: message m of a phase is due at start + m / rate and goes to
 * publisher m mod topics, so every publisher sends at rate / topics. Late messages are sent at once (catch-up),
 * and how late the loop fell behind is recorded: that is how a generator-bound run shows. A message whose publisher's
 * socket is not writable (its outbound buffer is over its bound) is not sent but counted as blocked: backpressure
 * on the generator, which counts towards the late share rather than queueing without limit.
 */
final class Pacer {

    /** A message sent this much after it was due counts as late. */
    static final long LATE_NANOS = 10_000_000L;

    private final Fleet fleet;
    private final Protocol protocol;
    private final Counters counters;
    private final int payloadBytes;
    private final long[] nextSeq;
    private final String[] topicNames;

    Pacer(Fleet fleet, Protocol protocol, Counters counters, int payloadBytes) {
        this.fleet = fleet;
        this.protocol = protocol;
        this.counters = counters;
        this.payloadBytes = payloadBytes;
        this.nextSeq = new long[fleet.topics.count()];
        this.topicNames = new String[fleet.topics.count()];
        for (int i = 0; i < topicNames.length; i++) {
            topicNames[i] = fleet.topics.name(i);
        }
    }

    /** What one phase did: how many it sent, how many of them late, how many it could not send (blocked), the worst lag. */
    record Phase(long sent, long late, long blocked, long maxLagNanos, long endNanos) {
        /** Late or blocked, of all messages that fell due. */
        double lateFraction() {
            long due = sent + blocked;
            return due == 0 ? 0 : (double) (late + blocked) / due;
        }
    }

    /** Starts a window at the publishers' next sequence numbers and makes the sockets count into it. */
    Window openWindow() {
        Window window = new Window(nextSeq);
        counters.window = window;
        return window;
    }

    /** The sockets this pacer sends through. */
    Fleet fleet() {
        return fleet;
    }

    /** @return per publisher, the next sequence number it will send: after a window, the end of what it sent */
    long[] nextSeqs() {
        return nextSeq.clone();
    }

    /** Due time of message m, in nanoseconds after the phase start. */
    static long dueOffset(long m, double rate) {
        return (long) (m * 1e9 / rate);
    }

    /**
     * Sends at {@code rate} msg/s in all from {@code startNanos} for {@code durationNanos}, counting into
     * {@code window} (null: warm-up). Returns at the phase's end, so a next phase may continue its schedule.
     */
    Phase run(long startNanos, double rate, long durationNanos, Window window) {
        int publishers = topicNames.length;
        long end = startNanos + durationNanos;
        long m = 0;
        long late = 0;
        long blocked = 0;
        long maxLag = 0;
        while (true) {
            long due = startNanos + dueOffset(m, rate);
            if (due >= end) {
                break;
            }
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(due - now);
                continue;
            }
            long lag = now - due;
            maxLag = Math.max(maxLag, lag);
            if (!send((int) (m % publishers), window)) {
                blocked++;
            } else if (lag > LATE_NANOS) {
                late++;
            }
            m++;
        }
        for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
            LockSupport.parkNanos(end - now);
        }
        return new Phase(m - blocked, late, blocked, maxLag, end);
    }

    /** @return false when the publisher's socket is not writable: nothing was sent (nor counted as expected) */
    private boolean send(int group, Window window) {
        Connection publisher = fleet.publisher(group);
        if (!publisher.isOpen()) {
            counters.sendFailed(new IllegalStateException("publisher of " + topicNames[group] + " is closed"));
            return true;
        }
        if (!publisher.writable()) {
            return false;
        }
        long seq = nextSeq[group]++;
        String frame = protocol.sendFrame(topicNames[group], Payload.encode(group, seq, System.nanoTime(), payloadBytes));
        if (window != null) {
            window.sent++;
            // Every subscriber of the topic now, the publisher included, should receive it.
            window.expected += fleet.open(group);
        }
        publisher.send(frame);
        return true;
    }
}
