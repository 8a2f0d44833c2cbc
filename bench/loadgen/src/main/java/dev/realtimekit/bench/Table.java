package dev.realtimekit.bench;

import java.util.List;
import java.util.Locale;

/** Fixed-width text rows for stdout: one header and one row per run (and per W3 step). */
final class Table {

    private static final String[] RUN_COLUMNS = {"target", "work", "step", "topics", "subs", "rate/s", "sent", "expected",
            "delivered", "lost", "dup", "ooo", "err", "deliv/s", "p50ms", "p90ms", "p99ms", "maxms", "srvCPUs",
            "us/deliv", "genCPU", "note"};
    private static final int[] RUN_WIDTHS = {8, 4, 5, 6, 5, 8, 8, 9, 9, 6, 5, 5, 5, 9, 7, 7, 7, 8, 8, 8, 6, 0};

    private static final String[] IDLE_COLUMNS = {"target", "work", "conns", "failed", "connect_s", "conns/s",
            "heapKB/conn", "rssKB/conn", "heapMB_before", "heapMB_after", "rssMB_before", "rssMB_after", "note"};
    private static final int[] IDLE_WIDTHS = {8, 4, 7, 7, 10, 9, 12, 11, 14, 13, 13, 12, 0};

    private Table() {
    }

    static String runHeader() {
        return line(RUN_COLUMNS, RUN_WIDTHS);
    }

    /** One measured window; {@code step} is "-" for W1/W2, the step number for W3, "best" for W3's result. */
    static String runRow(String target, String workload, String step, int topics, int subscribers, Measurement m, String note) {
        String[] cells = {target, workload, step, Integer.toString(topics), Integer.toString(subscribers), number(m.rate()),
                Long.toString(m.sent()), Long.toString(m.expected()), Long.toString(m.delivered()), Long.toString(m.lost()),
                Long.toString(m.duplicated()), Long.toString(m.outOfOrder()), Long.toString(m.errors()),
                number(m.deliveriesPerSecond()), number(m.p50Ms()), number(m.p90Ms()), number(m.p99Ms()), number(m.maxMs()),
                number(m.serverCpuSecondsTotal()), number(m.serverCpuMicrosPerDelivery()),
                String.format(Locale.ROOT, "%.0f%%", m.generatorCoreShare() * 100), note};
        return line(cells, RUN_WIDTHS);
    }

    static String idleHeader() {
        return line(IDLE_COLUMNS, IDLE_WIDTHS);
    }

    static String idleRow(String target, int connected, int failed, double connectSeconds, double connectsPerSecond,
                          double heapKbPerConnection, double rssKbPerConnection, double heapBeforeMb, double heapAfterMb,
                          double rssBeforeMb, double rssAfterMb, String note) {
        String[] cells = {target, "W4", Integer.toString(connected), Integer.toString(failed), number(connectSeconds),
                number(connectsPerSecond), number(heapKbPerConnection), number(rssKbPerConnection), number(heapBeforeMb),
                number(heapAfterMb), number(rssBeforeMb), number(rssAfterMb), note};
        return line(cells, IDLE_WIDTHS);
    }

    /** A number for people: "-" when not measured, no decimals when large, three significant ones when small. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "-";
        }
        double a = Math.abs(d);
        if (a >= 100 || d == Math.rint(d)) {
            return String.format(Locale.ROOT, "%.0f", d);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", d);
        }
        return String.format(Locale.ROOT, "%.3f", d);
    }

    static String note(List<String> parts) {
        return String.join(" ", parts);
    }

    private static String line(String[] cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i] == null ? "" : cells[i];
            if (i > 0) {
                b.append(' ');
            }
            b.append(cell);
            for (int pad = cell.length(); pad < widths[i]; pad++) {
                b.append(' ');
            }
        }
        return b.toString().stripTrailing();
    }
}
