package dev.realtimekit.impl.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.history.HistoryPage;

class RecentEventsTest {

    private static final long NOW = 1_000_000;

    @Test
    void keepsTheNewestConsecutiveEventsUpToItsCapacity() {
        RecentEvents recent = new RecentEvents(3, 60_000);
        LongStream.rangeClosed(1, 5).forEach(seq -> recent.append(entry(seq, NOW)));
        assertEquals(List.of(4L, 5L), seqs(recent.covering(3, 5, NOW)));
        assertNull(recent.covering(1, 5, NOW), "2 was dropped");
        assertEquals(List.of(), recent.covering(5, 5, NOW));
    }

    @Test
    void aHoleStartsItOver() {
        RecentEvents recent = new RecentEvents(10, 60_000);
        recent.append(entry(1, NOW));
        recent.append(entry(2, NOW));
        recent.append(entry(5, NOW));
        assertNull(recent.covering(1, 5, NOW));
        assertEquals(List.of(5L), seqs(recent.covering(4, 5, NOW)));
    }

    @Test
    void tooOldEventsAreNotReplayed() {
        RecentEvents recent = new RecentEvents(10, 1_000);
        recent.append(entry(1, NOW - 5_000));
        recent.append(entry(2, NOW));
        assertNull(recent.covering(0, 2, NOW));
        assertEquals(List.of(2L), seqs(recent.covering(1, 2, NOW)));
    }

    @Test
    void aReadExtendsItBackwardsAsFarAsTheEventsAreConsecutive() {
        RecentEvents recent = new RecentEvents(5, 60_000);
        recent.append(entry(8, NOW));
        recent.extendBackwards(List.of(entry(3, NOW), entry(5, NOW), entry(6, NOW), entry(7, NOW), entry(8, NOW), entry(9, NOW)), 8);
        assertEquals(List.of(5L, 6L, 7L, 8L), seqs(recent.covering(4, 8, NOW)));
        assertNull(recent.covering(3, 8, NOW), "4 is missing: 3 does not follow on");

        RecentEvents empty = new RecentEvents(2, 60_000);
        empty.extendBackwards(List.of(entry(1, NOW), entry(2, NOW), entry(3, NOW), entry(4, NOW)), 3);
        assertEquals(List.of(2L, 3L), seqs(empty.covering(1, 3, NOW)), "ends at the node's position, within the capacity");
    }

    private static HistoryPage.Entry entry(long seq, long millis) {
        return new HistoryPage.Entry(seq, millis, "{\"n\":" + seq + "}");
    }

    private static List<Long> seqs(List<HistoryPage.Entry> entries) {
        return entries.stream().map(HistoryPage.Entry::seq).toList();
    }
}
