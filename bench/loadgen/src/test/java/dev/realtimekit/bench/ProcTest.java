package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcTest {

    @Test
    void readsUtimePlusStimeEvenWhenTheNameHasSpacesAndParentheses() {
        String stat = "4242 (Java Thread (x) 1) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 60 0 "
                + "1234 5678 910 18446744073709551615 1 1 0 0 0 0 0 4096 16384 0 0 0 17 1 0 0 0 0 0";
        assertEquals(1750, Proc.parseCpuTicks(stat));
    }

    @Test
    void findsOnlyTheJitCompilerThreads(@TempDir Path tasks) throws IOException {
        thread(tasks, 101, "C2 CompilerThre", 300, 20);
        thread(tasks, 102, "C1 CompilerThre", 40, 2);
        thread(tasks, 103, "main", 900, 90);
        thread(tasks, 104, "C2 Compiler", 1, 1); // not HotSpot's name: another program's thread
        assertEquals(Map.of(101L, 320L, 102L, 42L), Proc.compilerThreadTicks(tasks));
        assertEquals(Map.of(), Proc.compilerThreadTicks(tasks.resolve("gone")));
    }

    @Test
    void findsOurOwnJitCompilers() {
        assertFalse(Proc.compilerThreadTicks(ProcessHandle.current().pid()).isEmpty());
    }

    private static void thread(Path tasks, long tid, String name, long utime, long stime) throws IOException {
        Path task = Files.createDirectories(tasks.resolve(Long.toString(tid)));
        Files.writeString(task.resolve("comm"), name + "\n");
        Files.writeString(task.resolve("stat"), tid + " (" + name + ") S 1 1 1 0 -1 4194560 0 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 1 0 1 1 1 1 1 1 0 0 0 0 0 0 0 0 0 0 0 0 0");
    }

    @Test
    void readsOurOwnCpu() throws IOException {
        assertTrue(Proc.cpuSeconds(ProcessHandle.current().pid()) > 0);
        assertTrue(Proc.rssKb(ProcessHandle.current().pid()) > 0);
        assertTrue(Proc.isJvm(ProcessHandle.current().pid()));
    }

    @Test
    void readsTheMachinesIdleAndTotalTicks() {
        long[] t = Proc.parseMachineTicks("cpu  100 5 50 800 20 3 2 0 40 0");
        assertEquals(820, t[0]);
        assertEquals(980, t[1]);
        Meter.Sample before = new Meter.Sample(0, new double[0], 0, 0, new long[] {800, 1000});
        Meter.Sample after = new Meter.Sample(1, new double[0], 0, 0, new long[] {810, 1200});
        assertEquals(0.05, before.idleShareUntil(after), 1e-9);
        assertTrue(Double.isNaN(before.idleShareUntil(new Meter.Sample(1, new double[0], 0, 0))));
    }

    @Test
    void readsVmRss() {
        assertEquals(123456, Proc.parseRssKb("Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 1 kB\n"));
        assertEquals(-1, Proc.parseRssKb("Name:\tkthreadd\n"));
    }

    @Test
    void sumsUsedHeapButNotMetaspace() {
        String g1 = """
                12345:
                 garbage-first heap   total 262144K, used 45678K [0x00000000c0000000, 0x0000000100000000)
                  region size 1024K, 61 young (62464K), 4 survivors (4096K)
                 Metaspace       used 51676K, committed 53440K, reserved 1114112K
                  class space    used 5901K, committed 6656K, reserved 1048576K
                """;
        assertEquals(45678, Proc.parseHeapUsedKb(g1));
        String parallel = """
                12345:
                 PSYoungGen      total 76288K, used 3932K [0x000000076b400000, 0x0000000770900000, 0x00000007c0000000)
                  eden space 65536K, 6% used [0x000000076b400000,0x000000076b7d7368,0x000000076f400000)
                 ParOldGen       total 175104K, used 1000K [0x00000006c1c00000, 0x00000006cc700000, 0x000000076b400000)
                 Metaspace       used 6000K, committed 6100K, reserved 1056768K
                """;
        assertEquals(4932, Proc.parseHeapUsedKb(parallel));
        assertEquals(-1, Proc.parseHeapUsedKb("12345:\nUnable to open socket file"));
    }
}
