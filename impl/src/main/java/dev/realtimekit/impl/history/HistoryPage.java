package dev.realtimekit.impl.history;

import java.util.List;

/**
 * What a read of a topic's history found: the topic's position now and the events kept after the
 * position asked for, oldest first.
 *
 * @param epoch the numbering's epoch now (a read of a topic without history starts one)
 * @param last the number of the topic's last event in that epoch, 0 when none
 * @param entries the kept events numbered above the position asked for, in order; older ones may have
 *     been dropped (by count or age), so the first need not follow the position asked for
 */
public record HistoryPage(String epoch, long last, List<Entry> entries) {

    public HistoryPage {
        entries = List.copyOf(entries);
    }

    /**
     * One kept event.
     *
     * @param seq its number
     * @param publishedMillis when it was published (wall clock of the publishing node)
     * @param payload the event as it travelled on the bus (the exclusion marker of an event that skips
     *     its sender included, see {@code BusMessages})
     */
    public record Entry(long seq, long publishedMillis, String payload) {
    }
}
