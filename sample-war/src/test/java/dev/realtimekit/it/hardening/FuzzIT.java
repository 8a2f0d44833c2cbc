package dev.realtimekit.it.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.ChatFrames;
import dev.realtimekit.it.support.LibertyJvm;
import dev.realtimekit.it.support.RawHttp;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.Poll;

/**
 * Thousands of random and mutated frames from many connections at once against the sample chat on
 * a real Liberty with a real Redis, while one well-behaved client keeps chatting: it gets every one
 * of its broadcasts, in order; no client ever sees internals; every close is a documented code; no
 * fuzzed connection goes deaf; afterwards the node holds no connection and no Redis subscription,
 * and a handshake while Redis is down gets the kit's plain 503.
 * The seed is printed; rerun with {@code -Dfuzz.seed=<seed>} to get the same cases.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FuzzIT extends WithOwnRedis {

    private static final String NAME = "fuzz";
    private static final int FUZZERS = 20;
    private static final int CASES_PER_FUZZER = 200;
    /**
     * How long the server may take to forget every fuzzed connection: a session whose close Liberty
     * never reports (RTK0117W; more frequent since the sample's join notices are in flight when fuzzed
     * connections drop) is given up one heartbeat after the kit closed it, up to two default
     * 30 s ping intervals. The polls return as soon as the server is clean.
     */
    private static final Duration SETTLE = Duration.ofSeconds(70);
    private static final java.util.regex.Pattern FUZZER_NOTICE =
            java.util.regex.Pattern.compile("\\{\"type\":\"(joined|left)\",\"room\":\"general\",\"user\":\"fuzz-\\d+\"\\}");

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() throws Exception {
        // Without the rate limit, which LimitsIT covers: here every case must reach the decoder. With
        // the default send window: before SessionOutbound's close gate, about one run in ten left a
        // connection open through ClosingClientsIT's blocking-write hang.
        return Wars.sampleWithStats(startRedis() + "realtime.rate-limit-per-second=0\n");
    }

    @Test
    void fuzzedConnectionsLeakNoInternalsAndLeaveAWellBehavedClientServed() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("FuzzIT seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        URL base = Wars.url("chat");
        deployer.deploy(NAME);
        try {
            Fuzzer.Findings findings = new Fuzzer.Findings();
            int steadyMessages = fuzzWhileChatting(base, seed, findings);
            System.out.println("FuzzIT: " + findings.frames + " frames from " + FUZZERS + " connections; the well-behaved client got "
                    + steadyMessages + " of its messages back in order; outcomes per case:\n  " + String.join("\n  ",
                    Fuzzer.sorted(findings.outcomes)));
            assertTrue(findings.problems.isEmpty(), "seed " + seed + ": " + String.join("\n", findings.problems));
            assertTrue(findings.frames.get() >= FUZZERS * CASES_PER_FUZZER, "frames sent: " + findings.frames);
            assertTrue(steadyMessages > 0, "the well-behaved client chatted");

            try (WsClient fresh = WsClient.connect(base, "general", UUID.randomUUID() + ":fresh").ignoring(ChatFrames.NOTICES)) {
                fresh.expectNothingBeforePong();
            }
            try {
                Poll.until("subscribers=0 topics=0 open=0", () -> Wars.stats(base), SETTLE);
            } catch (AssertionError e) {
                fail("seed " + seed + ": connections left; the server's threads in the kit:\n"
                        + String.join("\n\n", LibertyJvm.threadsMentioning("dev.realtimekit")), e);
            }
            Poll.until(List.of(), () -> Wars.topicChannels(redis), SETTLE);
            assertA503IsAReasonPhraseWhileRedisIsDown(base);
        } finally {
            deployer.undeploy(NAME);
        }
        assertEquals(List.of(), redis.channels("*"), "subscriptions left after undeploy");
    }

    /** The kit's 503 (the topic's subscription cannot be confirmed) is a plain reason phrase like its other refusals. */
    private static void assertA503IsAReasonPhraseWhileRedisIsDown(URL base) throws Exception {
        redis.kill();
        try {
            RawHttp.Response refused = RawHttp.request(base, "GET", "/chat/ws/random?token=" + UUID.randomUUID() + ":late",
                    "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
            assertEquals(503, refused.status(), refused.toString());
            assertEquals("Service Unavailable", refused.body(), refused.toString());
            assertTrue(refused.headers().get("content-type").startsWith("text/plain"), refused.toString());
        } finally {
            redis.restart();
        }
    }

    /** @return how many messages the well-behaved client sent and got back, all of them in order */
    private static int fuzzWhileChatting(URL base, long seed, Fuzzer.Findings findings) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(FUZZERS + 1);
        AtomicBoolean fuzzing = new AtomicBoolean(true);
        try (WsClient steady = WsClient.connect(base, "general", UUID.randomUUID() + ":steady")) {
            Future<Integer> chat = pool.submit(() -> chat(steady, fuzzing));
            List<Future<Void>> fuzzers = new ArrayList<>();
            for (int i = 0; i < FUZZERS; i++) {
                URI uri = WsClient.uri(base, "general", UUID.randomUUID() + ":fuzz-" + i);
                fuzzers.add(pool.submit(new Fuzzer(uri, seed + i, CASES_PER_FUZZER, findings)));
            }
            try {
                for (Future<Void> fuzzer : fuzzers) {
                    fuzzer.get(120, TimeUnit.SECONDS);
                }
            } finally {
                fuzzing.set(false);
            }
            try {
                return chat.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // Rare and never reproduced alone: the server's threads in the kit say where a broadcast stalled.
                throw new AssertionError("seed " + seed + ": the well-behaved client failed; the server's threads in the kit:\n"
                        + String.join("\n\n", LibertyJvm.threadsMentioning("dev.realtimekit")), e.getCause());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends bursts of five chat lines until the fuzzers are done and reads its own broadcasts back:
     * each must be the next one it sent (order), and each must come (WsClient's deadline per frame).
     * Every other frame must be someone else's broadcast or a fuzzer's join or leave notice (they
     * reconnect after each case that closes): error frames go to their sender only.
     */
    private static int chat(WsClient steady, AtomicBoolean fuzzing) throws Exception {
        int sent = 0;
        while (fuzzing.get() || sent == 0) {
            for (int i = sent; i < sent + 5; i++) {
                steady.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"steady-" + i + "\"}");
            }
            for (int i = sent; i < sent + 5; i++) {
                String expected = "{\"type\":\"message\",\"room\":\"general\",\"user\":\"steady\",\"text\":\"steady-" + i + "\"}";
                String frame = steady.next();
                while (!frame.startsWith("{\"type\":\"message\",\"room\":\"general\",\"user\":\"steady\"")) {
                    assertTrue(frame.startsWith("{\"type\":\"message\",\"room\":\"general\",\"user\":\"fuzz-")
                            || FUZZER_NOTICE.matcher(frame).matches(),
                            "the well-behaved client got " + Fuzzer.abbreviate(frame));
                    frame = steady.next();
                }
                assertEquals(expected, frame, "the well-behaved client's broadcasts in order");
            }
            sent += 5;
        }
        return sent;
    }
}
