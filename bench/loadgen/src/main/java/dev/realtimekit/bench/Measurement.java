package dev.realtimekit.bench;

import java.util.ArrayList;
import java.util.List;

/** The figures of one measured window (a W1/W2 run or one W3 step), derived from its counts and CPU samples. */
record Measurement(
        double rate,
        double seconds,
        long sent,
        long expected,
        long delivered,
        long lost,
        long duplicated,
        long outOfOrder,
        long errors,
        double p50Ms,
        double p90Ms,
        double p99Ms,
        double maxMs,
        double[] serverCpuSeconds,
        double redisCpuSeconds,
        double generatorCpuSeconds,
        double generatorCoreShare,
        double lateFraction,
        long blocked,
        double maxLagMs,
        boolean generatorBound,
        double machineIdleShare,
        double jitCoreShare) {

    /** The generator is the bottleneck when it fell behind on this share of its messages ... */
    static final double MAX_LATE_FRACTION = 0.10;
    /** ... or used this much of one core. */
    static final double MAX_CORE_SHARE = 0.85;
    /** Below this idle share the machine was saturated: generator and servers competed for the CPU. */
    static final double SATURATED_IDLE_SHARE = 0.05;

    /**
     * @param seconds the sending time (deliveries/s divide by it); CPU is taken over {@code before..after}, which also
     *                covers the wait for stragglers, because delivering those is part of the window's work
     */
    static Measurement of(double rate, double seconds, Window w, Pacer.Phase phase, long errors,
                          Meter.Sample before, Meter.Sample after) {
        double[] server = new double[before.serverCpuSeconds().length];
        for (int i = 0; i < server.length; i++) {
            server[i] = after.serverCpuSeconds()[i] - before.serverCpuSeconds()[i];
        }
        double generatorCpu = after.generatorCpuSeconds() - before.generatorCpuSeconds();
        double wall = (after.wallNanos() - before.wallNanos()) / 1e9;
        double share = wall > 0 ? generatorCpu / wall : 0;
        boolean bound = phase.lateFraction() > MAX_LATE_FRACTION || share > MAX_CORE_SHARE;
        return new Measurement(rate, seconds, w.sent, w.expected, w.delivered.sum(), w.lost(), w.duplicated.sum(),
                w.outOfOrder.sum(), errors,
                ms(w.latency.percentile(50)), ms(w.latency.percentile(90)), ms(w.latency.percentile(99)),
                ms(w.latency.max()), server, after.redisCpuSeconds() - before.redisCpuSeconds(), generatorCpu, share,
                phase.lateFraction(), phase.blocked(), phase.maxLagNanos() / 1e6, bound, before.idleShareUntil(after),
                before.jitCoreShareUntil(after));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** True when a server JVM was still compiling: the window then measured compilation too. */
    boolean compiling() {
        return jitCoreShare > JitWarmup.QUIET_SHARE;
    }

    /** True when the machine had (almost) no idle CPU: the figures then show a shared, saturated machine. */
    boolean machineSaturated() {
        return machineIdleShare < SATURATED_IDLE_SHARE;
    }

    double deliveriesPerSecond() {
        return seconds > 0 ? delivered / seconds : 0;
    }

    double serverCpuSecondsTotal() {
        double sum = 0;
        for (double s : serverCpuSeconds) {
            sum += s;
        }
        return sum;
    }

    double serverCpuMicrosPerDelivery() {
        return delivered > 0 ? serverCpuSecondsTotal() * 1e6 / delivered : Double.NaN;
    }

    double cpuSecondsPer1000Deliveries(int pidIndex) {
        return delivered > 0 ? serverCpuSeconds[pidIndex] * 1000 / delivered : Double.NaN;
    }

    /** Why a W3 step fails, empty when it passes; a generator-bound step says nothing about the server, so it fails too. */
    List<String> failures(double maxP99Ms) {
        List<String> why = new ArrayList<>();
        if (p99Ms > maxP99Ms) {
            why.add("p99>" + Table.number(maxP99Ms) + "ms");
        }
        if (lost != 0) {
            why.add("lost=" + lost);
        }
        if (errors != 0) {
            why.add("errors=" + errors);
        }
        if (outOfOrder != 0) {
            why.add("outOfOrder=" + outOfOrder);
        }
        if (generatorBound) {
            why.add("generatorBound");
        }
        return why;
    }
}
