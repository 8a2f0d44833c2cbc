package dev.realtimekit.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON fields of a run, in a stable order: what a run was, what one window measured, what the processes used. */
final class Report {

    private Report() {
    }

    /** Which run this was: target, workload, when, against what, with how many sockets. */
    static Map<String, Object> run(Options o, String workload, String timestamp, List<String> urls, int topics,
                                   int subscribersPerTopic, Fleet fleet) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("target", o.target);
        json.put("workload", workload);
        json.put("protocol", o.protocol);
        json.put("timestamp", timestamp);
        json.put("urls", urls);
        json.put("topics", topics);
        json.put("subscribersPerTopic", subscribersPerTopic);
        json.put("connections", fleet.connected());
        json.put("connectSeconds", fleet.connectSeconds());
        json.put("payloadBytes", o.payloadBytes);
        json.put("client", fleet.transportName());
        json.put("clientThreads", o.client.equals("netty") ? o.clientThreads : null);
        json.put("generatorGc", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).toList());
        return json;
    }

    /** One window's figures; with {@code m == null} (no W3 step passed) the same keys, all null. */
    static Map<String, Object> measurement(Measurement m, List<Long> pids) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rate", m == null ? null : m.rate());
        json.put("seconds", m == null ? null : m.seconds());
        json.put("sent", m == null ? null : m.sent());
        json.put("expected", m == null ? null : m.expected());
        json.put("delivered", m == null ? null : m.delivered());
        json.put("lost", m == null ? null : m.lost());
        json.put("duplicated", m == null ? null : m.duplicated());
        json.put("outOfOrder", m == null ? null : m.outOfOrder());
        json.put("errors", m == null ? null : m.errors());
        json.put("deliveriesPerSecond", m == null ? null : m.deliveriesPerSecond());
        Map<String, Object> latency = new LinkedHashMap<>();
        latency.put("p50", m == null ? null : m.p50Ms());
        latency.put("p90", m == null ? null : m.p90Ms());
        latency.put("p99", m == null ? null : m.p99Ms());
        latency.put("max", m == null ? null : m.maxMs());
        json.put("latencyMs", latency);
        json.put("serverCpuSeconds", m == null ? null : m.serverCpuSecondsTotal());
        json.put("serverCpuMicrosPerDelivery", m == null ? null : m.serverCpuMicrosPerDelivery());
        Map<String, Object> byPid = new LinkedHashMap<>();
        Map<String, Object> per1000 = new LinkedHashMap<>();
        for (int i = 0; i < pids.size(); i++) {
            byPid.put(pids.get(i).toString(), m == null ? null : m.serverCpuSeconds()[i]);
            per1000.put(pids.get(i).toString(), m == null ? null : m.cpuSecondsPer1000Deliveries(i));
        }
        json.put("serverCpuSecondsByPid", byPid);
        json.put("cpuSecondsPer1000Deliveries", per1000);
        json.put("redisCpuSeconds", m == null ? null : m.redisCpuSeconds());
        json.put("generatorCpuSeconds", m == null ? null : m.generatorCpuSeconds());
        json.put("generatorCpuCoreShare", m == null ? null : m.generatorCoreShare());
        json.put("schedulerLateFraction", m == null ? null : m.lateFraction());
        json.put("schedulerBlocked", m == null ? null : m.blocked());
        json.put("schedulerMaxLagMs", m == null ? null : m.maxLagMs());
        json.put("generatorBound", m != null && m.generatorBound());
        json.put("machineIdleShare", m == null ? null : m.machineIdleShare());
        json.put("jitCoreShareMax", m == null || Double.isNaN(m.jitCoreShare()) ? null : m.jitCoreShare());
        return json;
    }

    /** The error counts by kind and a few samples: errors must be reported, never silently ignored. */
    static Map<String, Object> errors(Counters c, long warmupErrors) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("errorFrames", c.errorFrames.sum());
        json.put("unexpectedFrames", c.unexpectedFrames.sum());
        json.put("sendFailures", c.sendFailures.sum());
        json.put("closedConnections", c.closed.sum());
        json.put("warmupErrors", warmupErrors);
        json.put("errorSamples", c.samples());
        return json;
    }

    /** RSS of every server pid, heap after a full GC of the JVM ones, and Redis's RSS: taken once, at the end. */
    static Map<String, Object> processes(List<Long> pids, Long redisPid) {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> rss = new LinkedHashMap<>();
        Map<String, Object> heap = new LinkedHashMap<>();
        for (long pid : pids) {
            rss.put(Long.toString(pid), mb(Proc.rssKb(pid)));
            if (Proc.isJvm(pid)) {
                heap.put(Long.toString(pid), mb(Proc.heapUsedKbAfterGc(pid)));
            }
        }
        json.put("rssMb", rss);
        json.put("heapAfterGcMb", heap);
        json.put("redisRssMb", redisPid == null ? null : mb(Proc.rssKb(redisPid)));
        return json;
    }

    static Double mb(long kb) {
        return kb < 0 ? null : kb / 1024.0;
    }
}
