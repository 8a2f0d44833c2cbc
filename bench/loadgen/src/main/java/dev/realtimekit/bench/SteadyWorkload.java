package dev.realtimekit.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** W1 and W2: a fixed rate over fixed topics, a warm-up that does not count, then one measured window. */
final class SteadyWorkload {

    private final Harness h;
    private final String name;
    private final int topics;
    private final int perTopic;
    private final double rate;

    SteadyWorkload(Harness h, String name, int topics, int perTopic, double rate) {
        this.h = h;
        this.name = name;
        this.topics = topics;
        this.perTopic = perTopic;
        this.rate = rate;
    }

    int run() throws SetupException, InterruptedException, IOException {
        Options o = h.options;
        Fleet fleet = h.connectAll(topics, perTopic);
        try {
            Pacer pacer = new Pacer(fleet, h.protocol, h.counters, o.payloadBytes);
            System.out.printf("%s: %.0f msg/s over %d topics x %d subscribers: warm-up %.0f s, measuring %.0f s ...%n",
                    name, rate, topics, perTopic, o.warmupSeconds, o.durationSeconds);
            long start = System.nanoTime();
            // The measured window continues the warm-up's schedule: no pause in which the servers could cool down.
            Pacer.Phase warmup = pacer.run(start, rate, Harness.nanos(o.warmupSeconds), null);
            long warmupErrors = h.counters.errors();
            Measurement m = h.measureWindow(pacer, warmup.endNanos(), rate, o.durationSeconds);

            Map<String, Object> json = Report.run(o, name, h.timestamp, o.urls, topics, perTopic, fleet);
            json.put("warmupSeconds", o.warmupSeconds);
            json.put("durationSeconds", o.durationSeconds);
            json.putAll(Report.measurement(m, o.serverPids));
            json.putAll(Report.errors(h.counters, warmupErrors));
            json.putAll(Report.processes(o.serverPids, o.redisPid));

            System.out.println(Table.runHeader());
            System.out.println(Table.runRow(o.target, name, "-", topics, perTopic, m, note(m)));
            h.emit(json);
            return 0;
        } finally {
            fleet.abortAll();
        }
    }

    static String note(Measurement m) {
        List<String> parts = new ArrayList<>();
        if (m.generatorBound()) {
            parts.add(String.format("GENERATOR-BOUND (late %.0f%%, %d blocked, max lag %.0f ms, CPU %.0f%% of a core)",
                    m.lateFraction() * 100, m.blocked(), m.maxLagMs(), m.generatorCoreShare() * 100));
        }
        if (m.machineSaturated()) {
            parts.add(String.format("MACHINE-SATURATED (%.0f%% idle)", m.machineIdleShare() * 100));
        }
        if (m.compiling()) {
            parts.add(String.format("JIT %.0f%% of a core", m.jitCoreShare() * 100));
        }
        return Table.note(parts);
    }
}
