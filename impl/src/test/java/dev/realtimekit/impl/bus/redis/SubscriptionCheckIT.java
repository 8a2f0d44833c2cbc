package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.testsupport.CapturingHandler;
import dev.realtimekit.testsupport.Poll;

/** The subscription self-check: no false alarms on busy channels, and a loop that never stops. */
class SubscriptionCheckIT extends RedisBusTestBase {

    /**
     * The registry is busy with an event, so the probe waits behind a backlog for longer than the
     * publish timeout: the channel delivers, it is not deaf, and subscribing it anew would lose the
     * backlog.
     */
    @Test
    void aChannelBusyWithABacklogIsNotDeafAndLosesNothing() throws Exception {
        Node node = nodeCheckingEvery(0);
        Node publisher = nodeCheckingEvery(0);
        node.subscribe("busy");
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        node.beforeDelivery = () -> {
            if (first.compareAndSet(true, false)) {
                entered.countDown();
                await(release);
            }
        };
        publisher.publish("busy", "e0");
        assertTrue(entered.await(Node.TIMEOUT_S, TimeUnit.SECONDS));
        for (int i = 1; i <= 20; i++) {
            publisher.publish("busy", "e" + i);
        }
        int repaired;
        try {
            repaired = node.bus.checkSubscriptions().toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        } finally {
            release.countDown();
        }
        publisher.publish("busy", "after");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= 20; i++) {
            expected.add("busy|e" + i);
        }
        expected.add("busy|after");
        assertEquals(expected, node.next(expected.size()), "every event exactly once, in order");
        assertEquals(0, repaired, "a channel delivering a backlog is not subscribed anew");
    }

    /** A round that throws before its completion chain is attached must not end the periodic check. */
    @Test
    void thePeriodicCheckSurvivesARoundThatThrows() throws Exception {
        Node node = nodeCheckingEvery(200);
        Node publisher = nodeCheckingEvery(0);
        node.subscribe("drifting");
        CountDownLatch failed = new CountDownLatch(1);
        node.bus.failNextCheckRoundForTests(() -> {
            failed.countDown();
            throw new IllegalStateException("injected by the test");
        });
        assertTrue(failed.await(Node.TIMEOUT_S, TimeUnit.SECONDS), "the periodic check ran the failing round");

        node.bus.loseSubscriptionForTests("drifting");
        Poll.until(1L, () -> redis.numsub(prefix + "drifting"), Duration.ofSeconds(20));
        publisher.publish("drifting", "found");
        node.expect("drifting", "found");
    }

    /**
     * HealthIT once saw readiness stay DOWN for good after Redis came back: nothing confirmed the
     * reconnect, and no one published. The check's probes are answers from Redis too.
     */
    @Test
    void aCheckRoundConfirmsRedisIsReachableAgain() throws Exception {
        Node node = nodeCheckingEvery(0);
        node.subscribe("watched");
        node.bus.markUnreachableForTests();
        assertFalse(node.bus.status().reachable(), "the test's premise");

        node.bus.checkSubscriptions().toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);

        assertTrue(node.bus.status().reachable(), "the probes were answered");
    }

    /**
     * One subscription connection lost while Redis answers on the others (here CLIENT KILL; in
     * HealthIT, Redisson closing a deaf connection whose ping went unanswered) is no outage: readiness
     * said "Redis is unreachable" and the outage counter went up although every command succeeded.
     * Redisson subscribes again on a new connection, and events flow.
     */
    @Test
    void aLostSubscriptionConnectionIsNoOutage() throws Exception {
        CapturingHandler capture = new CapturingHandler();
        List<java.util.logging.LogRecord> warnings = capture.records();
        Messages.LOG.addHandler(capture);
        try {
            killedSubscriptionConnection(warnings);
        } finally {
            Messages.LOG.removeHandler(capture);
        }
    }

    private void killedSubscriptionConnection(List<java.util.logging.LogRecord> warnings) throws Exception {
        AtomicInteger outages = new AtomicInteger();
        Node node = node(RealtimeConfigs.redisCheckingEvery(redis.address(), prefix, 0), new RealtimeMetrics() {
            @Override
            public void redisOutage() {
                outages.incrementAndGet();
            }
        });
        Node publisher = nodeCheckingEvery(0);
        node.subscribe("kept");
        String killed = redis.cli("CLIENT", "KILL", "TYPE", "pubsub");
        assertTrue(Long.parseLong(killed) >= 1, "killed the node's subscription connection: " + killed);

        Poll.until(1L, () -> redis.numsub(prefix + "kept"), Duration.ofSeconds(20));
        publisher.publish("kept", "after");
        node.expect("kept", "after");
        assertEquals(0, outages.get(), "outages counted");
        assertTrue(node.bus.status().reachable(), "Redis answered throughout");
        assertTrue(warnings.stream().anyMatch(record -> record.getMessage().startsWith("RTK0205W: ")),
                "the lost connection is logged, not an outage: " + warnings.stream().map(java.util.logging.LogRecord::getMessage).toList());
        assertTrue(warnings.stream().noneMatch(record -> record.getMessage().startsWith("RTK0200W: ")), "no outage logged");
    }

    /**
     * CI saw readiness go DOWN right after a Redis restart, although Redis answered: a publish was
     * written into a connection Redis had closed and Redisson had not noticed yet ("Unable to write
     * command into connection"). One failed command is confirmed by asking Redis before it counts.
     */
    @Test
    void aCommandFailedOnOneConnectionWhileRedisAnswersIsNoOutage() throws Exception {
        AtomicInteger outages = new AtomicInteger();
        Node node = node(RealtimeConfigs.redisCheckingEvery(redis.address(), prefix, 0), new RealtimeMetrics() {
            @Override
            public void redisOutage() {
                outages.incrementAndGet();
            }
        });
        node.subscribe("steady");

        node.bus.commandFailedForTests(new IOException("Unable to write command into connection"))
                .toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);

        assertTrue(node.bus.status().reachable(), "Redis answered the confirmation");
        assertEquals(0, outages.get(), "outages counted");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(Node.TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A stalled Redis leaves the node's questions unanswered on open connections, which the check
     * answers by replacing the client; against a stall each replacement waits for its hand-over, and
     * the check does not ask for more meanwhile (rounds every 500 ms would otherwise queue one each).
     */
    @Test
    void aStalledRedisGetsOneClientReplacementAtATimeAndEverythingResumes() throws Exception {
        Node node = nodeCheckingEvery(500);
        Node publisher = node();
        node.subscribe("stalled-check");
        publisher.publish("stalled-check", "before");
        node.expect("stalled-check", "before");
        CapturingHandler capture = new CapturingHandler();
        Messages.LOG.addHandler(capture);
        try {
            redis.freeze();
            try {
                Poll.until(true, () -> node.bus.silentForMillis() > 0, Duration.ofSeconds(15));
                // The stall itself, for several check intervals after the outage was found silent.
                Thread.sleep(5_000);
            } finally {
                redis.thaw();
            }
            assertTrue(receivesAgain(publisher, node, "stalled-check", System.nanoTime(), Duration.ofSeconds(30)),
                    "the node receives again after the stall");
        } finally {
            Messages.LOG.removeHandler(capture);
        }
        long replacements = capture.records().stream()
                .filter(record -> record.getMessage().startsWith("RTK0207W")).count();
        assertTrue(replacements >= 1 && replacements <= 2,
                "one replacement while stalled (at most one more after it), not one per round: " + replacements);
        Poll.until(true, () -> node.bus.status().reachable(), Duration.ofSeconds(10));
    }
}
