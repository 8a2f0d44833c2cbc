package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.realtimekit.testsupport.Poll;

/**
 * Client replacement racing with topics joined and left: afterwards every subscribed topic has exactly
 * one listener, on the current client, and every unsubscribed topic none.
 */
class ClientReplacementIT extends RedisBusTestBase {

    private static final int THREADS = 4;
    private static final int TOPICS_PER_THREAD = 6;
    private static final int REPLACEMENTS = 10;

    /** Joins and leaves whose stage failed: a join taken over by the new client still succeeds. */
    private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void joinsAndLeavesDuringClientReplacementsLeaveExactlyOneListenerPerSubscribedTopic() throws Exception {
        Node node = nodeCheckingEvery(0);
        Node publisher = node();

        AtomicBoolean replacing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < THREADS; t++) {
                List<String> own = topicsOf(t);
                // Like the registry: one topic's subscribe and unsubscribe alternate, never two of a kind.
                workers.add(pool.submit(() -> {
                    Map<String, Boolean> subscribed = new HashMap<>();
                    own.forEach(topic -> subscribed.put(topic, false));
                    while (replacing.get()) {
                        for (String topic : own) {
                            toggle(node, topic, subscribed);
                        }
                    }
                    for (String topic : own) {
                        if (subscribed.get(topic) != endsSubscribed(topic)) {
                            toggle(node, topic, subscribed);
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < REPLACEMENTS; i++) {
                node.bus.replaceClientForTests().toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
            }
            replacing.set(false);
            for (Future<?> worker : workers) {
                worker.get(60, TimeUnit.SECONDS);
            }
        } finally {
            replacing.set(false);
            pool.shutdownNow();
        }

        assertEquals(List.of(), failures, "joins and leaves during replacements succeed");
        List<String> all = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            all.addAll(topicsOf(t));
        }
        for (String topic : all) {
            Poll.until(endsSubscribed(topic) ? 1L : 0L, () -> redis.numsub(prefix + topic), Duration.ofSeconds(20));
        }
        node.received.clear();
        for (String topic : all) {
            publisher.publish(topic, "first");
        }
        for (String topic : all) {
            publisher.publish(topic, "second");
        }
        Map<String, Integer> firsts = new HashMap<>();
        Map<String, Integer> seconds = new HashMap<>();
        long expectedSeconds = all.stream().filter(ClientReplacementIT::endsSubscribed).count();
        while (seconds.size() < expectedSeconds) {
            String[] delivery = node.next().split("\\|", 2);
            (delivery[1].equals("first") ? firsts : seconds).merge(delivery[0], 1, Integer::sum);
        }
        Map<String, Integer> expected = new HashMap<>();
        all.stream().filter(ClientReplacementIT::endsSubscribed).forEach(topic -> expected.put(topic, 1));
        // A second listener of a topic delivers "first" again before "second" reaches the first one.
        assertEquals(expected, firsts, "each subscribed topic delivers each event exactly once, others nothing");
        assertEquals(expected, seconds);
    }

    /**
     * The old client's listeners keep delivering until the new ones are proven, then stop at the same
     * event: an event published during a replacement is delivered once, in order.
     */
    @Test
    void aReplacementWhilePublishingDeliversEveryEventOnceInOrder() throws Exception {
        Node node = nodeCheckingEvery(0);
        Node publisher = node();
        node.subscribe("steady");
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean publishing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> sender = pool.submit(() -> {
                for (int i = 0; publishing.get(); i++) {
                    publisher.publish("steady", String.valueOf(i));
                    acknowledged.add("steady|" + i);
                }
                return null;
            });
            for (int i = 0; i < 3; i++) {
                int before = acknowledged.size();
                Poll.until(true, () -> acknowledged.size() > before + 100, Duration.ofSeconds(20));
                node.bus.replaceClientForTests().toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
            }
            int before = acknowledged.size();
            Poll.until(true, () -> acknowledged.size() > before + 100, Duration.ofSeconds(20));
            publishing.set(false);
            sender.get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        } finally {
            publishing.set(false);
            pool.shutdownNow();
        }
        publisher.publish("steady", "end");
        List<String> received = new ArrayList<>();
        for (String delivery = node.next(); !delivery.equals("steady|end"); delivery = node.next()) {
            received.add(delivery);
        }
        List<String> twice = received.stream().filter(e -> received.indexOf(e) != received.lastIndexOf(e)).distinct().toList();
        List<String> lost = acknowledged.stream().filter(e -> !received.contains(e)).toList();
        assertEquals(List.of(), twice, "delivered twice");
        assertEquals(List.of(), lost, "acknowledged but not delivered");
        assertEquals(acknowledged, received, "every acknowledged event once, in the order published");
        Poll.until(1L, () -> redis.numsub(prefix + "steady"), Duration.ofSeconds(20));
    }

    private static List<String> topicsOf(int thread) {
        List<String> topics = new ArrayList<>();
        for (int i = 0; i < TOPICS_PER_THREAD; i++) {
            topics.add("race-" + thread + "-" + i);
        }
        return topics;
    }

    private static boolean endsSubscribed(String topic) {
        return topic.hashCode() % 2 == 0;
    }

    /** Subscribes or unsubscribes a topic and waits a little for it, as a join or a leave does. */
    private void toggle(Node node, String topic, Map<String, Boolean> subscribed) throws InterruptedException {
        boolean subscribe = !subscribed.get(topic);
        subscribed.put(topic, subscribe);
        try {
            (subscribe ? node.bus.subscribe(topic) : node.bus.unsubscribe(topic)).toCompletableFuture()
                    .get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            failures.add((subscribe ? "subscribe " : "unsubscribe ") + topic + ": " + e);
        }
    }
}
