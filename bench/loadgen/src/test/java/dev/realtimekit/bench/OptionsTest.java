package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    private static final String[] REQUIRED = {"--target", "baseline", "--protocol", "kit", "--urls",
            "ws://127.0.0.1:9080/chat/ws/,ws://127.0.0.1:9081/chat/ws/", "--workload", "W3", "--server-pids", "11,12"};

    @Test
    void appliesTheDefaults() {
        Options o = Options.parse(REQUIRED);
        assertEquals("baseline", o.target);
        assertEquals(List.of("ws://127.0.0.1:9080/chat/ws/", "ws://127.0.0.1:9081/chat/ws/"), o.urls);
        assertEquals(List.of(11L, 12L), o.serverPids);
        assertNull(o.redisPid);
        assertEquals("bench/results/results.jsonl", o.out);
        assertEquals(10, o.warmupSeconds);
        assertEquals(30, o.durationSeconds);
        assertEquals(10, o.stepSeconds);
        assertEquals(200, o.w3StartRate);
        assertEquals(1.5, o.w3Factor);
        assertEquals(3, o.w3BisectSteps);
        assertEquals(100, o.w3MaxP99Ms);
        assertEquals(1, o.w3RepeatFailures);
        assertEquals(10, o.w3Topics);
        assertEquals(50, o.w3Subscribers);
        assertEquals(10_000, o.connections);
        assertEquals(64, o.payloadBytes);
        assertEquals("netty", o.client);
        assertEquals(1, o.clientThreads);
    }

    @Test
    void choosesTheClient() {
        Options jdk = Options.parse(concat(REQUIRED, "--client", "jdk"));
        assertEquals("jdk", jdk.client);
        Options netty = Options.parse(concat(REQUIRED, "--client=netty", "--client-threads", "2"));
        assertEquals("netty", netty.client);
        assertEquals(2, netty.clientThreads);
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--client", "okhttp")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--client-threads", "0")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--client-threads", "1.5")));
    }

    @Test
    void shapesW3() {
        Options o = Options.parse(concat(REQUIRED, "--w3-topics", "250", "--w3-subscribers=2"));
        assertEquals(250, o.w3Topics);
        assertEquals(2, o.w3Subscribers);
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--w3-topics", "0")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--w3-subscribers", "2.5")));
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse(concat(REQUIRED, "--w3-topics", "1000", "--w3-subscribers", "1000")));
    }

    @Test
    void shapesTheJitWarmup() {
        Options defaults = Options.parse(concat(REQUIRED));
        assertEquals(500, defaults.warmRate);
        assertEquals(60, defaults.warmMinSeconds);
        assertEquals(300, defaults.warmMaxSeconds);
        String[] warm = REQUIRED.clone();
        warm[7] = "WARM";
        Options o = Options.parse(concat(warm, "--warm-rate", "800", "--warm-min-seconds", "0", "--warm-max-seconds=120"));
        assertEquals("WARM", o.workload);
        assertEquals(800, o.warmRate);
        assertEquals(0, o.warmMinSeconds);
        assertEquals(120, o.warmMaxSeconds);
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse(concat(REQUIRED, "--warm-min-seconds", "100", "--warm-max-seconds", "50")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--warm-rate", "0")));
    }

    @Test
    void readsBothSpellings() {
        String[] args = concat(REQUIRED, "--redis-pid", "7", "--step-seconds=3", "--w3-bisect-steps", "0");
        Options o = Options.parse(args);
        assertEquals(7L, o.redisPid);
        assertEquals(3, o.stepSeconds);
        assertEquals(0, o.w3BisectSteps);
    }

    @Test
    void refusesWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse("--target", "kit"));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--bogus", "1")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--w3-factor", "1")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--duration-seconds", "0")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--workload", "W1")));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(concat(REQUIRED, "--payload-bytes")));
        String[] noSlash = REQUIRED.clone();
        noSlash[5] = "ws://127.0.0.1:9080/chat/ws";
        assertThrows(IllegalArgumentException.class, () -> Options.parse(noSlash));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void theTargetIsAnyLowercaseLabel() {
        String[] args = REQUIRED.clone();
        args[1] = "kit-async";
        assertEquals("kit-async", Options.parse(args).target);
        args[1] = "Kit Async";
        assertThrows(IllegalArgumentException.class, () -> Options.parse(args));
    }
}
