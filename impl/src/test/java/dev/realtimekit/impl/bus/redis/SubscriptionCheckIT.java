package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

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

    private static void await(CountDownLatch latch) {
        try {
            latch.await(Node.TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
