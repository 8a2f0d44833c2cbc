package dev.realtimekit.impl.bus.local;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.Position;

/**
 * One topic's history in the in-JVM bus: its numbering and its last events, bounded by count and age.
 * Its epoch is new for every instance, so a restarted node, or a topic forgotten after a quiet day,
 * starts a numbering clients cannot confuse with the old one. Guarded by its own lock.
 */
final class LocalHistory {

    final String epoch = Position.newEpoch();
    private final int size;
    private final long ttlMs;
    private final ArrayDeque<HistoryPage.Entry> entries = new ArrayDeque<>();
    private long last;
    private long lastActivityMillis = System.currentTimeMillis();
    /** Forgotten by the bus: a publish must take a new one. */
    boolean retired;

    LocalHistory(int size, long ttlMs) {
        this.size = size;
        this.ttlMs = ttlMs;
    }

    /** @return the event's number */
    long append(String payload, long nowMillis) {
        last++;
        entries.addLast(new HistoryPage.Entry(last, nowMillis, payload));
        while (entries.size() > size || entries.peekFirst().publishedMillis() < nowMillis - ttlMs) {
            entries.pollFirst();
        }
        lastActivityMillis = nowMillis;
        return last;
    }

    HistoryPage read(long afterSeq, long nowMillis) {
        List<HistoryPage.Entry> after = new ArrayList<>();
        if (afterSeq != Long.MAX_VALUE) {
            for (HistoryPage.Entry entry : entries) {
                if (entry.seq() > afterSeq && entry.publishedMillis() >= nowMillis - ttlMs) {
                    after.add(entry);
                }
            }
        }
        lastActivityMillis = nowMillis;
        return new HistoryPage(epoch, last, after);
    }

    boolean idleSince(long millis) {
        return lastActivityMillis < millis;
    }
}
