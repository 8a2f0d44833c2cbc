package dev.realtimekit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Measurements of other processes from /proc (CPU, RSS) and, for JVMs, jcmd (heap after a full GC). */
final class Proc {

    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+)\\s+kB");
    // "garbage-first heap   total 262144K, used 45678K", "PSYoungGen total ..., used ...", "tenured generation ...".
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*(.+?)\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");
    private static volatile long ticksPerSecond;

    private Proc() {
    }

    static boolean exists(long pid) {
        return Files.isDirectory(Path.of("/proc", Long.toString(pid)));
    }

    /** utime + stime of a process, in seconds. */
    static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        return parseCpuTicks(stat) / (double) ticksPerSecond();
    }

    /** utime + stime (fields 14 and 15) of a /proc/PID/stat line, in clock ticks. */
    static long parseCpuTicks(String stat) {
        // The command name (field 2) may hold spaces and parentheses: count fields from its last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }

    /**
     * CPU clock ticks (utime + stime) of a process's JIT compiler threads, by thread id: HotSpot names
     * them {@code C1 CompilerThre}/{@code C2 CompilerThre} (the name cut to 15 characters). Empty for a
     * process without such threads (not a HotSpot JVM) or one that is gone.
     */
    static Map<Long, Long> compilerThreadTicks(long pid) {
        return compilerThreadTicks(Path.of("/proc", Long.toString(pid), "task"));
    }

    /** As {@link #compilerThreadTicks(long)}, for a {@code /proc/PID/task} directory. */
    static Map<Long, Long> compilerThreadTicks(Path taskDir) {
        Map<Long, Long> ticks = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDir)) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).trim();
                    if (name.matches("C[12] CompilerThre.*")) {
                        ticks.put(Long.parseLong(task.getFileName().toString()),
                                parseCpuTicks(Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII)));
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while being read: it compiles no more
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    /** Idle (idle + iowait) and total clock ticks of all CPUs, from the first line of /proc/stat; nulls when unreadable. */
    static long[] machineTicks() {
        try {
            return parseMachineTicks(Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII).get(0));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static long[] parseMachineTicks(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        long total = 0;
        // user nice system idle iowait irq softirq steal; guest time is already inside user
        for (int i = 1; i <= 8 && i < f.length; i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {Long.parseLong(f[4]) + Long.parseLong(f[5]), total};
    }

    static long ticksPerSecond() {
        if (ticksPerSecond == 0) {
            long ticks = 100; // Linux's USER_HZ nearly everywhere
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    ticks = Long.parseLong(out);
                }
            } catch (IOException | NumberFormatException e) {
                // keep 100
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ticksPerSecond = ticks;
        }
        return ticksPerSecond;
    }

    /** Resident set size in KB, or -1 when the process is gone. */
    static long rssKb(long pid) {
        try {
            return parseRssKb(Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return -1;
        }
    }

    static long parseRssKb(String status) {
        Matcher m = VM_RSS.matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    /** True when the process is a JVM, so that jcmd can measure its heap. */
    static boolean isJvm(long pid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            return exe.getFileName().toString().equals("java");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Runs a full GC in a JVM ({@code jcmd PID GC.run}), then returns its used heap in KB; -1 when that fails. */
    static long heapUsedKbAfterGc(long pid) {
        try {
            jcmd(pid, "GC.run");
            return parseHeapUsedKb(jcmd(pid, "GC.heap_info"));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sums the "used" of the heap lines of GC.heap_info (one for G1, one per generation for the others). */
    static long parseHeapUsedKb(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        long used = 0;
        boolean found = false;
        while (m.find()) {
            String space = m.group(1).trim();
            // Metaspace reports "used ...K, committed ..." and no "total": it never matches; this guards future formats.
            if (space.startsWith("Metaspace") || space.startsWith("class space")) {
                continue;
            }
            used += Long.parseLong(m.group(2));
            found = true;
        }
        return found ? used : -1;
    }

    /** @return the live objects by class of a JVM (the histogram collects first) */
    static ClassHistogram classHistogram(long pid) throws IOException {
        return ClassHistogram.parse(jcmd(pid, "GC.class_histogram"));
    }

    private static String jcmd(long pid, String command) throws IOException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String executable = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
        Process p = new ProcessBuilder(executable, Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("jcmd " + pid + " " + command + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
