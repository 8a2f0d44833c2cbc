package dev.realtimekit.impl.history;

import java.util.List;

/**
 * Which topics keep a history ({@code realtime.history.topics}) and how much of it
 * ({@code realtime.history.size} events, none older than {@code realtime.history.ttl-ms}).
 *
 * @param patterns topic patterns; {@code *} matches any run of characters, everything else itself
 * @param size events kept per topic
 * @param ttlMs how long an event stays recoverable
 */
public record HistorySettings(List<String> patterns, int size, long ttlMs) {

    /** No topic has a history. */
    public static final HistorySettings NONE = new HistorySettings(List.of(), 1, 1);

    public HistorySettings {
        patterns = List.copyOf(patterns);
    }

    /** A topic's numbering outlives its last event (or read) by this at least, so that quiet topics keep their epoch. */
    public static final long NUMBERING_KEPT_MS = 24 * 60 * 60 * 1000L;

    /** @return how long a topic's numbering (epoch and last number) is kept after its last event or read */
    public long numberingKeptMs() {
        return Math.max(ttlMs, NUMBERING_KEPT_MS);
    }

    /** @return whether any topic has a history */
    public boolean any() {
        return !patterns.isEmpty();
    }

    /** @return whether the topic keeps a history (numbered events, recovery with {@code since}) */
    public boolean enabled(String topic) {
        for (String pattern : patterns) {
            if (matches(pattern, topic)) {
                return true;
            }
        }
        return false;
    }

    /** Glob match with {@code *} only, without regular expressions (topics are client input). */
    static boolean matches(String pattern, String topic) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < topic.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = p++;
                resume = t;
            } else if (p < pattern.length() && pattern.charAt(p) == topic.charAt(t)) {
                p++;
                t++;
            } else if (star >= 0) {
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}
