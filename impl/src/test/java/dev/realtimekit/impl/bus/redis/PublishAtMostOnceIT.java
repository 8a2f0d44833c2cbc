package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.impl.history.NumberedEvents;
import dev.realtimekit.testsupport.Poll;

/**
 * Publishing while Redis stalls: a publish the sender was told failed may still be delivered (at most
 * once), but never twice, and every publish whose stage completed normally is delivered.
 */
class PublishAtMostOnceIT extends RedisBusTestBase {

    private static final String TOPIC = "stalled";
    private static final String END = "end";

    @Test
    void aStalledRedisNeverDeliversAnEventTwiceAndLosesNothingAcknowledged() throws Exception {
        stallWhilePublishing(node(), node());
    }

    /** A history topic's publish is a script: never run twice either, so no event gets two numbers. */
    @Test
    void aStalledRedisNeverNumbersOrDeliversAHistoryEventTwice() throws Exception {
        stallWhilePublishing(node(RealtimeConfigs.redisWithHistory(redis.address(), prefix, TOPIC, 100_000)),
                node(RealtimeConfigs.redisWithHistory(redis.address(), prefix, TOPIC, 100_000)));
    }

    /** A user's Redisson YAML asks for retries: PUBLISH still is never sent twice. */
    @Test
    void retriesAskedForInARedissonYamlFileDoNotApplyToPublishing() throws Exception {
        Path yaml = redissonYaml("""
                  timeout: 1000
                  retryAttempts: 3
                  retryInterval: 200
                """);
        stallWhilePublishing(node(RealtimeConfigs.redisFile(yaml.toString(), prefix, false)),
                node(RealtimeConfigs.redisFile(yaml.toString(), prefix, false)));
    }

    private void stallWhilePublishing(Node publisher, Node other) throws Exception {
        publisher.subscribe(TOPIC);
        other.subscribe(TOPIC);

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        // A burst first, as under load: Redisson opens its whole pool, so a retry finds an idle connection.
        List<java.util.concurrent.CompletableFuture<Void>> burst = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String event = "burst-" + i;
            burst.add(publisher.bus.publish(TOPIC, event).toCompletableFuture().thenRun(() -> acknowledged.add(event)));
        }
        java.util.concurrent.CompletableFuture.allOf(burst.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        AtomicInteger failed = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        int threads = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                running.add(pool.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String event = thread + "-" + i;
                        try {
                            publisher.bus.publish(TOPIC, event).toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
                            acknowledged.add(event);
                        } catch (java.util.concurrent.ExecutionException e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            Poll.until(true, () -> acknowledged.size() >= 250, Duration.ofSeconds(20));
            redis.freeze();
            try {
                // The stall itself: longer than the publish timeout, so publishes time out while queued in Redis.
                Thread.sleep(3_000);
            } finally {
                redis.thaw();
            }
            int afterStall = acknowledged.size();
            Poll.until(true, () -> acknowledged.size() >= afterStall + 50, Duration.ofSeconds(30));
            stop.set(true);
            for (Future<?> done : running) {
                done.get(Node.TIMEOUT_S, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertTrue(failed.get() > 0, "the stall made some publishes time out (else the test proves nothing)");
        publisher.publish(TOPIC, END);
        for (Node node : List.of(publisher, other)) {
            List<String> received = untilEnd(node);
            Map<String, Integer> counts = new HashMap<>();
            received.forEach(event -> counts.merge(event, 1, Integer::sum));
            Set<String> twice = new TreeSet<>();
            counts.forEach((event, count) -> {
                if (count > 1) {
                    twice.add(event);
                }
            });
            assertEquals(Set.of(), twice, "events delivered more than once");
            Set<String> lost = new TreeSet<>(acknowledged);
            received.forEach(lost::remove);
            assertEquals(Set.of(), lost, "acknowledged events not delivered");
        }
    }

    /**
     * @return the node's deliveries of {@link #TOPIC} before {@link #END}; numbered ones (a history
     *     topic) must be numbered one after the other
     */
    private static List<String> untilEnd(Node node) throws InterruptedException {
        List<String> events = new ArrayList<>();
        long lastSeq = 0;
        while (true) {
            String payload = node.next().substring(TOPIC.length() + 1);
            NumberedEvents.Numbered numbered = NumberedEvents.read(payload);
            if (numbered != null) {
                assertEquals(lastSeq + 1, numbered.seq(), "numbers without holes or repeats: " + numbered);
                lastSeq = numbered.seq();
                payload = numbered.payload();
            }
            if (payload.equals(END)) {
                return events;
            }
            events.add(payload);
        }
    }
}
