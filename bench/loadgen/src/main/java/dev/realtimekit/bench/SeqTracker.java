package dev.realtimekit.bench;

import java.util.BitSet;

/** What one subscriber received of one publisher's sequence numbers within one window: new, late or duplicate. */
final class SeqTracker {

    enum Outcome { IN_ORDER, OUT_OF_ORDER, DUPLICATE }

    private final long first;
    // A bit per sequence number since the window began: 1 bit per message, not a set of boxed longs.
    private final BitSet seen = new BitSet();
    private long highest = -1;
    private long distinct;
    private long duplicated;
    private long outOfOrder;

    /** @param first the first sequence number of the window; lower ones are never passed in */
    SeqTracker(long first) {
        this.first = first;
    }

    Outcome record(long seq) {
        int bit = Math.toIntExact(seq - first);
        if (seen.get(bit)) {
            duplicated++;
            return Outcome.DUPLICATE;
        }
        seen.set(bit);
        distinct++;
        if (seq < highest) {
            outOfOrder++;
            return Outcome.OUT_OF_ORDER;
        }
        highest = seq;
        return Outcome.IN_ORDER;
    }

    /** @return whether this sequence number (at or above the window's first) was received */
    boolean seen(long seq) {
        return seen.get(Math.toIntExact(seq - first));
    }

    long distinct() {
        return distinct;
    }

    long duplicated() {
        return duplicated;
    }

    long outOfOrder() {
        return outOfOrder;
    }
}
