package dev.realtimekit.bench;

import java.util.concurrent.atomic.LongAdder;

/** One measured window (a W1/W2 run, a W3 step): which messages count, and what was sent and received of them. */
final class Window {

    /** Per publisher, the first sequence number sent in this window: lower ones (warm-up, earlier steps) never count. */
    private final long[] firstSeq;
    final Histogram latency = new Histogram();
    final LongAdder delivered = new LongAdder();
    final LongAdder duplicated = new LongAdder();
    final LongAdder outOfOrder = new LongAdder();
    // Written by the scheduler thread only, read by it after the window: plain fields suffice.
    long sent;
    long expected;

    Window(long[] firstSeq) {
        this.firstSeq = firstSeq.clone();
    }

    boolean knowsPublisher(int publisher) {
        return publisher < firstSeq.length;
    }

    boolean counts(int publisher, long seq) {
        return seq >= firstSeq[publisher];
    }

    long firstSeq(int publisher) {
        return firstSeq[publisher];
    }

    /** Expected minus distinct deliveries: every subscriber of a message's topic at send time should have got it. */
    long lost() {
        return expected - delivered.sum();
    }
}
