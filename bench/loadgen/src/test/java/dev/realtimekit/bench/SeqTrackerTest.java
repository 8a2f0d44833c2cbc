package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SeqTrackerTest {

    @Test
    void classifiesEachSequenceNumber() {
        SeqTracker t = new SeqTracker(100);
        assertEquals(SeqTracker.Outcome.IN_ORDER, t.record(100));
        assertEquals(SeqTracker.Outcome.IN_ORDER, t.record(102)); // a gap is not out of order
        assertEquals(SeqTracker.Outcome.OUT_OF_ORDER, t.record(101));
        assertEquals(SeqTracker.Outcome.DUPLICATE, t.record(101));
        assertEquals(SeqTracker.Outcome.DUPLICATE, t.record(100));
        assertEquals(SeqTracker.Outcome.IN_ORDER, t.record(103));
        assertEquals(4, t.distinct());
        assertEquals(2, t.duplicated());
        assertEquals(1, t.outOfOrder());
    }
}
