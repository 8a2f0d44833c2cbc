package dev.realtimekit.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** W4: many idle sockets to the first node; what connecting costs and what one connection weighs on the server. */
final class IdleWorkload {

    /** Sockets per topic group. */
    static final int GROUP = 100;

    private final Harness h;

    IdleWorkload(Harness h) {
        this.h = h;
    }

    int run() throws SetupException, InterruptedException, IOException {
        Options o = h.options;
        long pid = o.serverPids.get(0);
        String url = o.urls.get(0);
        boolean jvm = Proc.isJvm(pid);
        int groups = (o.connections + GROUP - 1) / GROUP;
        Fleet fleet = h.fleet(new Topics(groups), GROUP, o.connections);
        try {
            // The same measurement before and after: the difference is what the connections hold.
            long heapBefore = jvm ? Proc.heapUsedKbAfterGc(pid) : -1;
            long rssBefore = Proc.rssKb(pid);
            ClassHistogram histogramBefore = jvm && o.w4Histogram ? Proc.classHistogram(pid) : null;
            Meter.Sample before = h.meter.sample();
            System.out.printf("W4: opening %d idle sockets (%d topics) to %s, at most %d handshakes in flight ...%n",
                    o.connections, groups, url, Fleet.MAX_IN_FLIGHT);
            fleet.connect(List.of(url));
            Meter.Sample after = h.meter.sample();
            long heapAfter = jvm ? Proc.heapUsedKbAfterGc(pid) : -1;
            long rssAfter = Proc.rssKb(pid);
            if (histogramBefore != null && fleet.connected() > 0) {
                System.out.printf("W4: what the server's heap grew by, per connection (top 25 classes):%n%s",
                        ClassHistogram.describe(Proc.classHistogram(pid).grownSince(histogramBefore, 25), fleet.connected()));
            }
            if (fleet.connected() == 0) {
                throw new SetupException("no socket connected: " + Harness.failures(fleet));
            }

            int n = fleet.connected();
            double connectsPerSecond = n / fleet.connectSeconds();
            double heapPer = heapBefore >= 0 && heapAfter >= 0 ? (heapAfter - heapBefore) / (double) n : Double.NaN;
            double rssPer = rssBefore >= 0 && rssAfter >= 0 ? (rssAfter - rssBefore) / (double) n : Double.NaN;

            Map<String, Object> json = Report.run(o, "W4", h.timestamp, List.of(url), groups, GROUP, fleet);
            json.put("connectionsRequested", o.connections);
            json.put("failedHandshakes", fleet.failed());
            json.put("handshakeFailures", new LinkedHashMap<>(fleet.failures()));
            json.put("connectsPerSecond", connectsPerSecond);
            json.put("perConnectionHeapKb", heapPer);
            json.put("perConnectionRssKb", rssPer);
            json.put("measuredPid", pid);
            json.put("heapBeforeMb", Report.mb(heapBefore));
            json.put("heapAfterMb", Report.mb(heapAfter));
            json.put("rssBeforeMb", Report.mb(rssBefore));
            json.put("rssAfterMb", Report.mb(rssAfter));
            double serverCpu = after.serverCpuSeconds()[0] - before.serverCpuSeconds()[0];
            json.put("serverCpuSeconds", serverCpu);
            json.put("serverCpuMicrosPerConnect", serverCpu * 1e6 / n);
            json.put("redisCpuSeconds", after.redisCpuSeconds() - before.redisCpuSeconds());
            double generatorCpu = after.generatorCpuSeconds() - before.generatorCpuSeconds();
            double wall = (after.wallNanos() - before.wallNanos()) / 1e9;
            json.put("generatorCpuSeconds", generatorCpu);
            json.put("generatorCpuCoreShare", generatorCpu / wall);
            json.put("generatorBound", generatorCpu / wall > Measurement.MAX_CORE_SHARE);
            json.put("machineIdleShare", before.idleShareUntil(after));
            json.put("errors", h.counters.errors());
            json.putAll(Report.errors(h.counters, 0));
            json.putAll(Report.processes(o.serverPids, o.redisPid));

            List<String> note = new ArrayList<>();
            if (fleet.failed() > 0) {
                note.add("FAILED: " + Harness.failures(fleet));
            }
            if (!jvm) {
                note.add("(not a JVM: no heap figures)");
            }
            if (generatorCpu / wall > Measurement.MAX_CORE_SHARE) {
                note.add(String.format("GENERATOR-BOUND (CPU %.0f%% of a core)", generatorCpu / wall * 100));
            }
            System.out.println(Table.idleHeader());
            System.out.println(Table.idleRow(o.target, n, fleet.failed(), fleet.connectSeconds(), connectsPerSecond,
                    heapPer, rssPer, mbOrNaN(heapBefore), mbOrNaN(heapAfter), mbOrNaN(rssBefore), mbOrNaN(rssAfter),
                    String.join(" ", note)));
            h.emit(json);
            return 0;
        } finally {
            fleet.abortAll();
        }
    }

    private static double mbOrNaN(long kb) {
        return kb < 0 ? Double.NaN : kb / 1024.0;
    }
}
