package dev.realtimekit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The command line: {@code --name value} (or {@code --name=value}) pairs, checked before anything connects. */
final class Options {

    static final String USAGE = """
            usage: java -jar realtime-kit-bench-loadgen.jar
              --target NAME                       label written into the results (kit, kit-async, baseline, socketio, ...)
              --protocol kit|socketio             wire protocol to speak (baseline speaks the kit protocol)
              --urls URL[,URL...]                 node base URLs; clients round-robin over them
              --workload W1|W2|W3|W4|WARM
              --server-pids PID[,PID...]          server processes to measure (CPU, RSS; heap for JVMs)
              [--redis-pid PID]                   measured and reported separately (not counted as server CPU)
              [--out FILE]                        append one JSON line per run (default bench/results/results.jsonl)
              [--warmup-seconds 10] [--duration-seconds 30]      W1/W2 (W3 warms up for --warmup-seconds too)
              [--step-seconds 10] [--w3-start-rate 200] [--w3-factor 1.5] [--w3-bisect-steps 3] [--w3-max-p99-ms 100]
              [--w3-repeat-failures 1]            W3: try a failing step again at the same rate this often before it counts
              [--w3-topics 10] [--w3-subscribers 50]      W3's shape: topics, and subscribers of each (one of them publishes)
              [--warm-rate 500] [--warm-min-seconds 60] [--warm-max-seconds 300]
                                                  WARM: W3's shape at this rate until the server JVMs' JIT compilers are quiet
              [--connections 10000]                W4
              [--w4-histogram true]               W4: also print which classes grew per connection (jcmd GC.class_histogram)
              [--payload-bytes 64]
              [--client netty|jdk]                WebSocket client library (default netty: less CPU per message)
              [--client-threads 1]                Netty event loop threads""";

    private static final Set<String> KNOWN = Set.of("target", "protocol", "urls", "workload", "server-pids",
            "redis-pid", "out", "warmup-seconds", "duration-seconds", "step-seconds", "w3-start-rate", "w3-factor",
            "w3-bisect-steps", "w3-max-p99-ms", "w3-repeat-failures", "w3-topics", "w3-subscribers", "warm-rate", "warm-min-seconds", "warm-max-seconds", "connections", "payload-bytes", "client", "client-threads", "w4-histogram");

    final String target;
    final String protocol;
    final List<String> urls;
    final String workload;
    final List<Long> serverPids;
    final Long redisPid;
    final String out;
    final double warmupSeconds;
    final double durationSeconds;
    final double stepSeconds;
    final double w3StartRate;
    final double w3Factor;
    final int w3BisectSteps;
    final double w3MaxP99Ms;
    final int w3RepeatFailures;
    final int w3Topics;
    final int w3Subscribers;
    final double warmRate;
    final double warmMinSeconds;
    final double warmMaxSeconds;
    final int connections;
    final boolean w4Histogram;
    final int payloadBytes;
    final String client;
    final int clientThreads;

    private Options(Map<String, String> v) {
        target = required(v, "target");
        if (!target.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("--target must be a label of lowercase letters, digits and '-', not " + target);
        }
        protocol = oneOf(v, "protocol", Set.of("kit", "socketio"));
        urls = List.of(required(v, "urls").split(","));
        for (String url : urls) {
            if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
                throw new IllegalArgumentException("--urls: " + url + " is not a ws:// or wss:// URL");
            }
            if (protocol.equals("kit") && !url.endsWith("/")) {
                throw new IllegalArgumentException("--urls: " + url + " must end with / (e.g. ws://127.0.0.1:9080/chat/ws/)");
            }
        }
        workload = oneOf(v, "workload", Set.of("W1", "W2", "W3", "W4", "WARM"));
        List<Long> pids = new ArrayList<>();
        for (String pid : required(v, "server-pids").split(",")) {
            pids.add(parseLong("server-pids", pid));
        }
        serverPids = List.copyOf(pids);
        redisPid = v.containsKey("redis-pid") ? parseLong("redis-pid", v.get("redis-pid")) : null;
        out = v.getOrDefault("out", "bench/results/results.jsonl");
        warmupSeconds = positive(v, "warmup-seconds", 10, true);
        durationSeconds = positive(v, "duration-seconds", 30, false);
        stepSeconds = positive(v, "step-seconds", 10, false);
        w3StartRate = positive(v, "w3-start-rate", 200, false);
        w3Factor = positive(v, "w3-factor", 1.5, false);
        if (w3Factor <= 1) {
            throw new IllegalArgumentException("--w3-factor must be greater than 1");
        }
        w3BisectSteps = (int) positive(v, "w3-bisect-steps", 3, true);
        w3MaxP99Ms = positive(v, "w3-max-p99-ms", 100, false);
        w3RepeatFailures = (int) positive(v, "w3-repeat-failures", 1, true);
        w3Topics = wholeNumber(v, "w3-topics", 10, 10_000);
        w3Subscribers = wholeNumber(v, "w3-subscribers", 50, 10_000);
        if ((long) w3Topics * w3Subscribers > 100_000) {
            throw new IllegalArgumentException("--w3-topics x --w3-subscribers must be at most 100000 sockets");
        }
        warmRate = positive(v, "warm-rate", 500, false);
        warmMinSeconds = positive(v, "warm-min-seconds", 60, true);
        warmMaxSeconds = positive(v, "warm-max-seconds", 300, false);
        if (warmMaxSeconds < warmMinSeconds) {
            throw new IllegalArgumentException("--warm-max-seconds must be at least --warm-min-seconds");
        }
        connections = (int) positive(v, "connections", 10_000, false);
        w4Histogram = Boolean.parseBoolean(v.getOrDefault("w4-histogram", "false"));
        payloadBytes = (int) positive(v, "payload-bytes", 64, false);
        client = v.containsKey("client") ? oneOf(v, "client", Set.of("netty", "jdk")) : "netty";
        clientThreads = wholeNumber(v, "client-threads", 1, 256);
    }

    /** @return the option's value, a whole number from 1 to {@code max} */
    private static int wholeNumber(Map<String, String> v, String name, int defaultValue, int max) {
        double value = positive(v, name, defaultValue, false);
        if (value != Math.rint(value) || value > max) {
            throw new IllegalArgumentException("--" + name + " must be a whole number from 1 to " + max);
        }
        return (int) value;
    }

    static Options parse(String... args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + arg);
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            if (values.put(name, value) != null) {
                throw new IllegalArgumentException("--" + name + " given twice");
            }
        }
        return new Options(values);
    }

    private static String required(Map<String, String> v, String name) {
        String value = v.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value.trim();
    }

    private static String oneOf(Map<String, String> v, String name, Set<String> allowed) {
        String value = required(v, name);
        if (!allowed.contains(value)) {
            throw new IllegalArgumentException("--" + name + " must be one of " + Arrays.toString(allowed.stream().sorted().toArray()) + ", not " + value);
        }
        return value;
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": " + value + " is not a process id");
        }
    }

    private static double positive(Map<String, String> v, String name, double fallback, boolean zeroAllowed) {
        String value = v.get(name);
        if (value == null) {
            return fallback;
        }
        double d;
        try {
            d = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": " + value + " is not a number");
        }
        if (d < 0 || (d == 0 && !zeroAllowed) || Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("--" + name + " must be " + (zeroAllowed ? ">= 0" : "> 0"));
        }
        return d;
    }
}
