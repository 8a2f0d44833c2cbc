package dev.realtimekit.impl.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.PublishTime;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.testsupport.Await;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TopicRegistryTest {

    private final FakeBus bus = new FakeBus();
    private final TopicRegistry registry = new TopicRegistry(bus);

    @Test
    void countsSubscribersPerTopicAndOverall() {
        Sub a1 = new Sub("a");
        Sub a2 = new Sub("a");
        Sub b1 = new Sub("b");

        List.of(a1, a2, b1).forEach(registry::add);

        assertEquals(3, registry.subscriberCount());
        assertEquals(2, registry.subscriberCount("a"));
        assertEquals(1, registry.subscriberCount("b"));
        assertEquals(0, registry.subscriberCount("c"));
        assertEquals(2, registry.topicCount());
        assertEquals(Set.of("a", "b"), registry.topics());

        registry.remove(a1);
        registry.remove(a1);
        assertEquals(2, registry.subscriberCount(), "removing an absent subscriber changes nothing");
        assertEquals(1, registry.subscriberCount("a"));

        registry.remove(a2);
        registry.remove(b1);
        assertEquals(0, registry.subscriberCount());
        assertEquals(0, registry.topicCount());
        assertEquals(Set.of(), registry.topics());
    }

    @Test
    void theKitsOwnTopicsAreSubscribedAndDeliveredButNotCountedAsTheApplications() {
        Sub direct = new Sub(BusMessages.DIRECT_TOPIC);
        Sub a1 = new Sub("a");
        registry.add(direct);
        registry.add(a1);

        assertEquals(1, registry.subscriberCount());
        assertEquals(1, registry.topicCount());
        assertEquals(1, registry.subscriberCount(BusMessages.DIRECT_TOPIC));
        assertEquals(Set.of("a", BusMessages.DIRECT_TOPIC), registry.topics());

        registry.remove(direct);
        assertEquals(1, registry.subscriberCount());
        assertEquals(Set.of("a"), registry.topics());
    }

    @Test
    void addingTheSameSubscriberTwiceCountsItOnce() {
        Sub a1 = new Sub("a");

        registry.add(a1);
        registry.add(a1);

        assertEquals(1, registry.subscriberCount());
        assertEquals(1, bus.subscribes("a"));
    }

    @Test
    void theFirstSubscriberSubscribesTheTopicAndTheLastUnsubscribesIt() {
        Sub a1 = new Sub("a");
        Sub a2 = new Sub("a");

        registry.add(a1);
        registry.add(a2);
        assertEquals(1, bus.subscribes("a"));

        registry.remove(a1);
        assertEquals(0, bus.unsubscribes("a"), "a2 is still there");
        registry.remove(a2);
        assertEquals(1, bus.unsubscribes("a"));

        registry.add(a1);
        assertEquals(2, bus.subscribes("a"), "a topic that came back is subscribed again");
    }

    @Test
    void addCompletesWhenTheBusSubscriptionIsConfirmed() {
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        bus.nextSubscription = confirmation;

        CompletableFuture<Void> first = registry.add(new Sub("a")).toCompletableFuture();
        CompletableFuture<Void> second = registry.add(new Sub("a")).toCompletableFuture();

        assertFalse(first.isDone());
        assertFalse(second.isDone(), "a later subscriber also waits for the pending subscription");
        confirmation.complete(null);
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
        assertTrue(second.isDone() && !second.isCompletedExceptionally());
        assertEquals(1, bus.subscribes("a"));
    }

    @Test
    void eventsReachOnlyTheSubscribersOfTheirTopic() {
        Sub a1 = new Sub("a");
        Sub a2 = new Sub("a");
        Sub b1 = new Sub("b");
        List.of(a1, a2, b1).forEach(registry::add);
        String payload = new String("{\"said\":\"hi\"}");

        registry.onEvent("a", payload);
        registry.onEvent("nobody-here", "{}");

        assertEquals(List.of(payload), a1.received);
        assertSame(payload, a1.received.get(0));
        assertSame(payload, a2.received.get(0));
        assertEquals(List.of(), b1.received);
    }

    /** What an EventDelivered observer relies on: once per event and node, after the subscribers, the frame they got. */
    @Test
    void theDeliveryObserverHearsEachApplicationEventOnceAfterItsSubscribers() {
        List<String> heard = new ArrayList<>();
        Sub a1 = new Sub("a");
        Sub a2 = new Sub("a");
        TopicRegistry observed = new TopicRegistry(bus, RealtimeMetrics.NONE, (topic, frame) -> heard.add(topic + " " + frame
                + " after " + a1.received.size() + "," + a2.received.size()));
        Sub direct = new Sub(BusMessages.DIRECT_TOPIC);
        observed.add(a1);
        observed.add(a2);
        observed.add(direct);

        observed.onEvent("a", "e1");
        observed.onEvent("a", BusMessages.excluding(a1.id(), "e2"));
        observed.onEvent(BusMessages.DIRECT_TOPIC, "for a user");
        observed.onEvent("nobody-here", "e3");

        assertEquals(List.of("a e1 after 1,1", "a e2 after 1,2"), heard,
                "once per event, the frame without the exclusion, not for the kit's topics or topics without subscribers");
    }

    @Test
    void aRemovedSubscriberGetsNoMoreEvents() {
        Sub a1 = new Sub("a");
        Sub a2 = new Sub("a");
        registry.add(a1);
        registry.add(a2);

        registry.remove(a1);
        registry.onEvent("a", "e");

        assertEquals(List.of(), a1.received);
        assertEquals(List.of("e"), a2.received);
    }

    @Test
    void membersThatJoinOrLeaveBetweenEventsGetExactlyTheEventsOfTheirMembership() {
        Sub a1 = new Sub("a");
        Sub a2 = new Sub("a");
        Sub a3 = new Sub("a");
        Sub a4 = new Sub("a");
        registry.add(a1);
        registry.add(a2);
        registry.onEvent("a", "e1");
        registry.add(a3);
        registry.onEvent("a", "e2");
        registry.remove(a1);
        registry.onEvent("a", "e3");
        registry.remove(a2);
        registry.add(a4);
        registry.onEvent("a", "e4");

        assertEquals(List.of("e1", "e2"), a1.received);
        assertEquals(List.of("e1", "e2", "e3"), a2.received);
        assertEquals(List.of("e2", "e3", "e4"), a3.received);
        assertEquals(List.of("e4"), a4.received);
    }

    @Test
    void aTopicWithoutEventsDoesNotKeepASubscriberThatLeftReachable() throws Exception {
        Sub stays = new Sub("a");
        registry.add(stays);
        Sub leaves = new Sub("a");
        registry.add(leaves);
        registry.onEvent("a", "e1"); // the delivery snapshot now holds both
        registry.remove(leaves);
        java.lang.ref.WeakReference<Sub> gone = new java.lang.ref.WeakReference<>(leaves);
        leaves = null;

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gone.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(gone.get(), "the topic still holds the subscriber that left");
        assertEquals(1, registry.subscriberCount("a"));
    }

    @Test
    void aSubscriberAddedBeforeAnEventGetsItWhileOtherEventsAreDeliveredConcurrently() throws Exception {
        registry.add(new TopicRegistry.Subscriber() { // keeps the topic, and records nothing
            @Override
            public String topic() {
                return "a";
            }

            @Override
            public String id() {
                return "anchor";
            }

            @Override
            public void deliver(String frame) {
            }
        });
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> noise = CompletableFuture.runAsync(() -> {
            while (!stop.get()) {
                registry.onEvent("a", "noise");
            }
        });
        try {
            for (int i = 0; i < 2_000; i++) {
                Sub joined = new Sub("a");
                registry.add(joined);
                registry.onEvent("a", "probe-" + i);
                assertTrue(joined.received.contains("probe-" + i), "subscriber " + i + " missed the event after its join");
                registry.remove(joined);
            }
        } finally {
            stop.set(true);
            noise.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSubscriberThatThrowsDoesNotStopDeliveryToTheOthers() {
        List<Sub> healthy = List.of(new Sub("a"), new Sub("a"), new Sub("a"));
        Sub broken = new Sub("a", new IllegalStateException("broken pipe"));
        registry.add(healthy.get(0));
        registry.add(broken);
        registry.add(healthy.get(1));
        registry.add(healthy.get(2));

        registry.onEvent("a", "e1");
        registry.onEvent("a", "e2");

        healthy.forEach(sub -> assertEquals(List.of("e1", "e2"), sub.received));
        assertEquals(4, registry.subscriberCount("a"), "the broken subscriber is skipped, not removed");
    }

    @Test
    void aFailedBusSubscriptionFailsAddAndLeavesNoSubscriberBehind() {
        IllegalStateException refused = new IllegalStateException("redis down");
        bus.nextSubscription = CompletableFuture.failedFuture(refused);
        Sub a1 = new Sub("a");

        Throwable failure = Await.failure(registry.add(a1));

        assertSame(refused, failure);
        assertEquals(0, registry.subscriberCount());
        assertEquals(0, registry.topicCount());
        registry.onEvent("a", "e");
        assertEquals(List.of(), a1.received);
    }

    @Test
    void aSubscriptionThatFailsLaterRemovesEverySubscriberThatWaitedForIt() {
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        bus.nextSubscription = confirmation;
        CompletionStage<Void> first = registry.add(new Sub("a"));
        CompletionStage<Void> second = registry.add(new Sub("a"));

        confirmation.completeExceptionally(new IllegalStateException("redis down"));

        Await.failure(first);
        Await.failure(second);
        assertEquals(0, registry.subscriberCount());
        assertEquals(0, registry.topicCount());
        Await.result(registry.add(new Sub("a")));
        assertEquals(2, bus.subscribes("a"), "the next subscriber tries a fresh subscription");
        assertEquals(1, registry.subscriberCount());
    }

    @Test
    void concurrentAddAndRemoveLeaveNothingBehind() throws Exception {
        int threads = 8;
        int rounds = 500;
        List<String> topics = List.of("t0", "t1", "t2");
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService workers = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String topic = topics.get(t % topics.size());
                done.add(workers.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        Sub sub = new Sub(topic);
                        registry.add(sub);
                        registry.onEvent(topic, "e");
                        registry.remove(sub);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
        }

        assertEquals(0, registry.subscriberCount());
        assertEquals(0, registry.topicCount());
        for (String topic : topics) {
            assertEquals(bus.subscribes(topic), bus.unsubscribes(topic), "subscribe/unsubscribe balance of " + topic);
            assertTrue(bus.subscribes(topic) >= 1);
        }
    }

    @Test
    void tellsTheMetricsHowManyGotAnEventAndHowLongAfterItsPublish() {
        List<long[]> told = new CopyOnWriteArrayList<>();
        TopicRegistry metered = new TopicRegistry(bus, new RealtimeMetrics() {
            @Override
            public void eventDelivered(int deliveries, long latencyNanos) {
                told.add(new long[] {deliveries, latencyNanos});
            }
        });
        Sub a1 = new Sub("a");
        Sub a2 = new Sub("a");
        Sub failing = new Sub("a", new IllegalStateException("gone"));
        Sub direct = new Sub(BusMessages.DIRECT_TOPIC);
        List.of(a1, a2, failing, direct).forEach(metered::add);

        long published = PublishTime.now() - 2_000; // 2 ms ago
        metered.onEvent("a", "e1", published);
        metered.onEvent("a", BusMessages.excluding(a1.id(), "e2"), PublishTime.UNKNOWN);
        metered.onEvent(BusMessages.DIRECT_TOPIC, "d", published);

        assertEquals(2, told.size(), "the kit's own topic is not counted");
        assertEquals(2, told.get(0)[0], "the failing subscriber is not counted");
        assertTrue(told.get(0)[1] >= 2_000_000 && told.get(0)[1] < 10_000_000_000L, "latency " + told.get(0)[1]);
        assertEquals(1, told.get(1)[0], "the excluded connection is not counted");
        assertEquals(-1, told.get(1)[1], "unknown publish time");
        assertEquals(List.of("e1"), a1.received);
        assertEquals(List.of("e1", "e2"), a2.received);
    }

    /** A subscriber that records what it receives, or throws instead. */
    private static final class Sub implements TopicRegistry.Subscriber {
        private static final AtomicInteger IDS = new AtomicInteger();
        final List<String> received = new CopyOnWriteArrayList<>();
        private final String topic;
        private final String id = "sub-" + IDS.incrementAndGet();
        private final RuntimeException failure;

        Sub(String topic) {
            this(topic, null);
        }

        Sub(String topic, RuntimeException failure) {
            this.topic = topic;
            this.failure = failure;
        }

        @Override
        public String topic() {
            return topic;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void deliver(String frame) {
            if (failure != null) {
                throw failure;
            }
            received.add(frame);
        }
    }

    /** Counts subscribe and unsubscribe per topic; the next subscription's stage can be set by the test. */
    private static final class FakeBus implements EventBus {
        private final Map<String, AtomicInteger> subscribes = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> unsubscribes = new ConcurrentHashMap<>();
        volatile CompletableFuture<Void> nextSubscription;

        int subscribes(String topic) {
            return subscribes.getOrDefault(topic, new AtomicInteger()).get();
        }

        int unsubscribes(String topic) {
            return unsubscribes.getOrDefault(topic, new AtomicInteger()).get();
        }

        @Override
        public void start(Listener listener) {
        }

        @Override
        public CompletionStage<Void> subscribe(String topic) {
            subscribes.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
            CompletableFuture<Void> stage = nextSubscription;
            nextSubscription = null;
            return stage != null ? stage : CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> unsubscribe(String topic) {
            unsubscribes.computeIfAbsent(topic, t -> new AtomicInteger()).incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> publish(String topic, String payload) {
            throw new UnsupportedOperationException("the registry never publishes");
        }

        @Override
        public String describe() {
            return "fake";
        }

        @Override
        public Status status() {
            return new Status("test", true, 0, 0, false);
        }

        @Override
        public void close() {
        }
    }
}
