package dev.realtimekit.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Takes CPU samples of the server processes, Redis and this JVM, so a window's CPU is the difference of two. */
final class Meter {

    private final List<Long> serverPids;
    private final Long redisPid;
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    Meter(List<Long> serverPids, Long redisPid) {
        this.serverPids = List.copyOf(serverPids);
        this.redisPid = redisPid;
    }

    /** CPU totals at one instant; NaN for a process that has gone; machineTicks {idle, total} or null. */
    record Sample(long wallNanos, double[] serverCpuSeconds, double redisCpuSeconds, double generatorCpuSeconds,
                  long[] machineTicks, List<Map<Long, Long>> compilerTicks) {

        Sample(long wallNanos, double[] serverCpuSeconds, double redisCpuSeconds, double generatorCpuSeconds) {
            this(wallNanos, serverCpuSeconds, redisCpuSeconds, generatorCpuSeconds, null);
        }

        Sample(long wallNanos, double[] serverCpuSeconds, double redisCpuSeconds, double generatorCpuSeconds,
               long[] machineTicks) {
            this(wallNanos, serverCpuSeconds, redisCpuSeconds, generatorCpuSeconds, machineTicks, List.of());
        }

        /**
         * @return the largest share of one core any server JVM's JIT compilers used between this sample and a
         *     later one; NaN when no server has HotSpot compiler threads
         */
        double jitCoreShareUntil(Sample later) {
            double seconds = (later.wallNanos - wallNanos) / 1e9;
            double most = Double.NaN;
            for (int i = 0; i < Math.min(compilerTicks.size(), later.compilerTicks.size()) && seconds > 0; i++) {
                Double share = JitWarmup.compilerShare(compilerTicks.get(i), later.compilerTicks.get(i), seconds,
                        Proc.ticksPerSecond());
                if (share != null && !(share <= most)) {
                    most = share;
                }
            }
            return most;
        }

        /** Share of the machine's CPU time that was idle between this sample and a later one; NaN when unknown. */
        double idleShareUntil(Sample later) {
            if (machineTicks == null || later.machineTicks == null || later.machineTicks[1] <= machineTicks[1]) {
                return Double.NaN;
            }
            return (later.machineTicks[0] - machineTicks[0]) / (double) (later.machineTicks[1] - machineTicks[1]);
        }
    }

    List<Long> serverPids() {
        return serverPids;
    }

    Long redisPid() {
        return redisPid;
    }

    Sample sample() {
        double[] server = new double[serverPids.size()];
        for (int i = 0; i < server.length; i++) {
            server[i] = cpu(serverPids.get(i));
        }
        List<Map<Long, Long>> compilers = new ArrayList<>();
        for (long pid : serverPids) {
            compilers.add(Proc.compilerThreadTicks(pid));
        }
        return new Sample(System.nanoTime(), server, redisPid == null ? Double.NaN : cpu(redisPid),
                os.getProcessCpuTime() / 1e9, Proc.machineTicks(), compilers);
    }

    private static double cpu(long pid) {
        try {
            return Proc.cpuSeconds(pid);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
