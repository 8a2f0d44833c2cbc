package dev.realtimekit.bench;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * WARM: load in W3's shape at a fixed, moderate rate until every server JVM's JIT compilers are quiet,
 * so that the workloads after it measure compiled code rather than compilation. Under load the kit's
 * compiler threads used 35-47% of a core for its first 80 s, the bare endpoint's for 40 s
 * (docs/benchmarks.md, run 20); workloads that start earlier measure how fast each target compiles.
 * Processes without HotSpot compiler threads (Node) get the minimum time.
 */
final class JitWarmup {

    static final double WINDOW_SECONDS = 10;
    /** A JVM is warm once its compiler threads used at most this share of one core over a whole window. */
    static final double QUIET_SHARE = 0.02;

    private final Harness h;

    JitWarmup(Harness h) {
        this.h = h;
    }

    int run() throws SetupException, InterruptedException, IOException {
        Options o = h.options;
        Fleet fleet = h.connectAll(o.w3Topics, o.w3Subscribers);
        try {
            Pacer pacer = new Pacer(fleet, h.protocol, h.counters, o.payloadBytes);
            System.out.printf("WARM: %.0f msg/s until each server JVM's JIT compilers use at most %.0f%% of a core for %.0f s"
                    + " (at least %.0f s, at most %.0f s)%n", o.warmRate, QUIET_SHARE * 100, WINDOW_SECONDS,
                    o.warmMinSeconds, o.warmMaxSeconds);
            Map<Long, Map<Long, Long>> before = snapshot(o.serverPids);
            long start = System.nanoTime();
            long phaseStart = start;
            Map<Long, Double> shares;
            boolean settled;
            double elapsed;
            do {
                phaseStart = pacer.run(phaseStart, o.warmRate, Harness.nanos(WINDOW_SECONDS), null).endNanos();
                Map<Long, Map<Long, Long>> after = snapshot(o.serverPids);
                elapsed = (phaseStart - start) / 1e9;
                shares = new LinkedHashMap<>();
                for (long pid : o.serverPids) {
                    shares.put(pid, compilerShare(before.get(pid), after.get(pid), WINDOW_SECONDS, Proc.ticksPerSecond()));
                }
                before = after;
                System.out.printf("WARM: %.0f s: JIT compilers used %s of a core%n", elapsed, describe(shares));
                settled = quiet(shares.values());
            } while (!(settled && elapsed >= o.warmMinSeconds) && elapsed < o.warmMaxSeconds);
            h.settle();
            System.out.println(settled ? String.format("WARM: settled after %.0f s", elapsed)
                    : String.format("WARM: NOT SETTLED after %.0f s (--warm-max-seconds): later figures include compilation", elapsed));

            Map<String, Object> json = Report.run(o, "WARM", h.timestamp, o.urls, o.w3Topics, o.w3Subscribers, fleet);
            json.put("rate", o.warmRate);
            json.put("seconds", elapsed);
            json.put("jitSettled", settled);
            Map<String, Object> lastShares = new LinkedHashMap<>();
            shares.forEach((pid, share) -> lastShares.put(Long.toString(pid), share));
            json.put("jitCoreShareLastWindowByPid", lastShares);
            json.putAll(Report.errors(h.counters, 0));
            h.emit(json);
            return 0;
        } finally {
            fleet.abortAll();
        }
    }

    private static Map<Long, Map<Long, Long>> snapshot(List<Long> pids) {
        Map<Long, Map<Long, Long>> ticks = new LinkedHashMap<>();
        for (long pid : pids) {
            ticks.put(pid, Proc.compilerThreadTicks(pid));
        }
        return ticks;
    }

    /**
     * @return the share of one core the compiler threads used between two snapshots {@code seconds}
     *     apart (a thread born meanwhile counts from its start, one that ended is left out), or null
     *     when the process has no compiler threads (not a HotSpot JVM)
     */
    static Double compilerShare(Map<Long, Long> before, Map<Long, Long> after, double seconds, long ticksPerSecond) {
        if (after.isEmpty()) {
            return null;
        }
        long used = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            used += Math.max(0, thread.getValue() - before.getOrDefault(thread.getKey(), 0L));
        }
        return used / (double) ticksPerSecond / seconds;
    }

    /** @return whether every JVM's compilers were quiet (processes without compilers do not count) */
    static boolean quiet(Collection<Double> shares) {
        return shares.stream().filter(Objects::nonNull).allMatch(share -> share <= QUIET_SHARE);
    }

    private static String describe(Map<Long, Double> shares) {
        StringBuilder out = new StringBuilder();
        shares.forEach((pid, share) -> out.append(out.length() == 0 ? "" : ", ").append(pid).append(": ")
                .append(share == null ? "no JIT threads" : String.format("%.1f%%", share * 100)));
        return out.toString();
    }
}
