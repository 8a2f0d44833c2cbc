package dev.realtimekit.impl.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import dev.realtimekit.impl.history.HistoryPage;

/**
 * The last events of a history topic this node handed to its subscribers, in order and without holes,
 * up to {@code realtime.history.size} of them, and none older than {@code realtime.history.ttl-ms}:
 * reconnecting clients are served from here without reading the history, and a read made for one of
 * them extends it backwards for the next ones (a reconnect storm then costs one read). Guarded by the
 * topic's lock.
 */
final class RecentEvents {

    private final int capacity;
    private final long ttlMs;
    /** Consecutive numbers, oldest first. */
    private final ArrayDeque<HistoryPage.Entry> entries = new ArrayDeque<>();

    RecentEvents(int capacity, long ttlMs) {
        this.capacity = capacity;
        this.ttlMs = ttlMs;
    }

    /** An event following the newest one was handed to the subscribers. */
    void append(HistoryPage.Entry entry) {
        HistoryPage.Entry newest = entries.peekLast();
        if (newest != null && entry.seq() != newest.seq() + 1) {
            entries.clear(); // never a hole: start over from this one
        }
        entries.addLast(entry);
        if (entries.size() > capacity) {
            entries.pollFirst();
        }
    }

    /** The numbering changed (a new epoch, or a resync): what is kept no longer follows on. */
    void clear() {
        entries.clear();
    }

    /**
     * Adds the page's events that come right before the oldest kept one (or, when none is kept, that
     * end at {@code last}), as far as they are consecutive and the capacity allows.
     */
    void extendBackwards(List<HistoryPage.Entry> page, long last) {
        long before = entries.isEmpty() ? last + 1 : entries.peekFirst().seq();
        List<HistoryPage.Entry> older = new ArrayList<>();
        for (HistoryPage.Entry entry : page) {
            if (entry.seq() < before) {
                older.add(entry);
            }
        }
        for (int i = older.size() - 1; i >= 0 && entries.size() < capacity; i--) {
            if (older.get(i).seq() != before - 1) {
                break;
            }
            entries.addFirst(older.get(i));
            before--;
        }
    }

    /** @return the events numbered (after, upTo], when every one of them is here and none too old; else null */
    List<HistoryPage.Entry> covering(long after, long upTo, long nowMillis) {
        return consecutive(entries, after, upTo, nowMillis - ttlMs);
    }

    /**
     * @param entries events in ascending order
     * @return the entries numbered (after, upTo], when every one of them is there and none was
     *     published before {@code oldestMillis}; else null
     */
    static List<HistoryPage.Entry> consecutive(Iterable<HistoryPage.Entry> entries, long after, long upTo, long oldestMillis) {
        if (upTo <= after) {
            return List.of();
        }
        List<HistoryPage.Entry> range = new ArrayList<>();
        for (HistoryPage.Entry entry : entries) {
            if (entry.seq() > after && entry.seq() <= upTo) {
                if (entry.seq() != after + 1 + range.size() || entry.publishedMillis() < oldestMillis) {
                    return null;
                }
                range.add(entry);
            }
        }
        return range.size() == upTo - after ? range : null;
    }

    int size() {
        return entries.size();
    }
}
