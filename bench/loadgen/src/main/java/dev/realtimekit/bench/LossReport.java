package dev.realtimekit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which messages a window lost, and where: for a window with a few lost deliveries, each missing (publisher,
 * sequence number) with the number of subscribers lacking it on each node. Checked again after the generator
 * settled, it tells a late delivery (after the straggler wait, so counted as lost) from one that never came.
 */
final class LossReport {

    /** Losses above this are saturation (clients closed, backlogs): not worth itemising. */
    static final long MAX_ITEMISED = 100_000;
    private static final int SHOWN = 10;

    /** One message some subscribers lack: how many of them per node URL. */
    record Missing(int publisher, long seq, Map<String, Integer> subscribersByNode) {
        int subscribers() {
            return subscribersByNode.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final Window window;
    private final long[] endSeq;
    final List<Missing> missing;

    private LossReport(Window window, long[] endSeq, List<Missing> missing) {
        this.window = window;
        this.endSeq = endSeq;
        this.missing = missing;
    }

    /** @param endSeq per publisher, the first sequence number after the window */
    static LossReport find(Fleet fleet, Window window, long[] endSeq) {
        Map<Long, Map<String, Integer>> byMessage = new TreeMap<>();
        fleet.forEachConnection((connection, node) -> {
            if (!connection.isOpen()) {
                return; // expected counts the sockets open at send time; a closed one shows as an error anyway
            }
            connection.missing(window, endSeq[connection.topic], seq -> byMessage
                    .computeIfAbsent(key(connection.topic, seq), k -> new TreeMap<>())
                    .merge(node, 1, Integer::sum));
        });
        List<Missing> missing = new ArrayList<>();
        byMessage.forEach((key, nodes) -> missing.add(new Missing((int) (key >>> 40), key & ((1L << 40) - 1), nodes)));
        return new LossReport(window, endSeq, missing);
    }

    /** The same messages, looked up again (e.g. after the generator settled): those still missing. */
    LossReport recheck(Fleet fleet) {
        LossReport now = find(fleet, window, endSeq);
        List<Missing> still = new ArrayList<>();
        for (Missing m : now.missing) {
            if (missing.stream().anyMatch(before -> before.publisher == m.publisher && before.seq == m.seq)) {
                still.add(m);
            }
        }
        return new LossReport(window, endSeq, still);
    }

    private static long key(int publisher, long seq) {
        return ((long) publisher << 40) | seq;
    }

    /** A few lines: the first missing messages, where, and where in the window's sequence they fell. */
    String describe() {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (Missing m : missing) {
            if (shown++ == SHOWN) {
                out.append(String.format("  ... and %d more%n", missing.size() - SHOWN));
                break;
            }
            out.append(String.format("  publisher %d seq %d (window %d..%d): %d subscribers lack it %s%n", m.publisher, m.seq,
                    window.firstSeq(m.publisher), endSeq[m.publisher] - 1, m.subscribers(), m.subscribersByNode));
        }
        return out.toString();
    }
}
