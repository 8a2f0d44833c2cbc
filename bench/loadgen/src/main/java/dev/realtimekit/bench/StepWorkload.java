package dev.realtimekit.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W3: raises the rate step by step while steps pass, then bisects; the result is the best passing step. A failing
 * step is tried again at the same rate ({@code --w3-repeat-failures}, see {@link RateSearch}).
 */
final class StepWorkload {

    private final Harness h;
    private final int topics;
    private final int perTopic;

    StepWorkload(Harness h, int topics, int perTopic) {
        this.h = h;
        this.topics = topics;
        this.perTopic = perTopic;
    }

    int run() throws SetupException, InterruptedException, IOException {
        Options o = h.options;
        Fleet fleet = h.connectAll(topics, perTopic);
        try {
            Pacer pacer = new Pacer(fleet, h.protocol, h.counters, o.payloadBytes);
            System.out.printf("W3: warm-up %.0f s at %.0f msg/s, then steps of %.0f s (x%s, %d bisect steps, p99 <= %s ms,"
                            + " a failing step tried %d more time(s))%n",
                    o.warmupSeconds, o.w3StartRate, o.stepSeconds, Table.number(o.w3Factor), o.w3BisectSteps,
                    Table.number(o.w3MaxP99Ms), o.w3RepeatFailures);
            pacer.run(System.nanoTime(), o.w3StartRate, Harness.nanos(o.warmupSeconds), null);
            h.settle();
            long warmupErrors = h.counters.errors();

            RateSearch search = new RateSearch(o.w3StartRate, o.w3Factor, o.w3BisectSteps, o.w3RepeatFailures);
            List<Measurement> steps = new ArrayList<>();
            List<Map<String, Object>> stepJson = new ArrayList<>();
            Measurement best = null;
            boolean anyBound = false;
            int reconnects = 0;
            System.out.println(Table.runHeader());
            for (double rate = search.next(); !Double.isNaN(rate); rate = search.next()) {
                // A server may close clients that fell too far behind (the kit does, with 1008): a step
                // without them would measure nothing, so it starts with a full fleet again.
                int lost = fleet.size() - fleet.openInAll();
                if (lost > 0) {
                    System.out.printf("W3: %d of %d connections were closed by the server; reconnecting all before the next step%n",
                            lost, fleet.size());
                    fleet.abortAll();
                    fleet = h.connectAll(topics, perTopic);
                    pacer = new Pacer(fleet, h.protocol, h.counters, o.payloadBytes);
                    h.settle();
                    reconnects++;
                }
                Measurement m = h.measureWindow(pacer, System.nanoTime(), rate, o.stepSeconds);
                h.counters.window = null; // what still arrives belongs to no step
                List<String> failures = m.failures(o.w3MaxP99Ms);
                boolean passed = failures.isEmpty();
                boolean repeat = search.repeating();
                search.report(passed);
                steps.add(m);
                anyBound |= m.generatorBound();
                if (passed && (best == null || m.rate() > best.rate())) {
                    best = m;
                }
                String note = (passed ? "PASS" : "FAIL " + String.join(",", failures))
                        + (repeat ? " (repeat)" : "")
                        + (search.repeating() ? " (trying this rate again)" : "")
                        + (m.machineSaturated() ? String.format(" (machine %.0f%% idle)", m.machineIdleShare() * 100) : "")
                        + (m.compiling() ? String.format(" (JIT %.0f%% of a core)", m.jitCoreShare() * 100) : "");
                System.out.println(Table.runRow(o.target, "W3", Integer.toString(steps.size()), topics, perTopic, m, note));
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("step", steps.size());
                step.put("passed", passed);
                step.put("repeat", repeat);
                step.put("failures", failures);
                step.putAll(Report.measurement(m, o.serverPids));
                stepJson.add(step);
                h.settle();
            }
            if (best != null) {
                System.out.println(Table.runRow(o.target, "W3", "best", topics, perTopic, best, anyBound
                        ? "best passing step; GENERATOR-BOUND at a higher rate: the search may have hit the generator's limit"
                        : "best passing step"));
            } else {
                System.out.println("W3: no step passed");
            }

            Map<String, Object> json = Report.run(o, "W3", h.timestamp, o.urls, topics, perTopic, fleet);
            json.put("warmupSeconds", o.warmupSeconds);
            json.put("stepSeconds", o.stepSeconds);
            json.put("passed", best != null);
            json.putAll(Report.measurement(best, o.serverPids));
            json.put("generatorBound", anyBound);
            json.putAll(Report.errors(h.counters, warmupErrors));
            json.putAll(Report.processes(o.serverPids, o.redisPid));
            json.put("repeatFailures", o.w3RepeatFailures);
            json.put("passedOnRepeat", search.passedOnRepeat());
            json.put("steps", stepJson);
            json.put("reconnects", reconnects);
            h.emit(json);
            return 0;
        } finally {
            fleet.abortAll();
        }
    }
}
