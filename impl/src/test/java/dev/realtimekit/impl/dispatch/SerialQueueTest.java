package dev.realtimekit.impl.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.testsupport.Await;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SerialQueueTest {

    private static final String POOL_PREFIX = "serial-test-";

    private final List<String> timeline = new CopyOnWriteArrayList<>();
    private ExecutorService pool;
    private SerialQueue queue;

    @BeforeEach
    void setUp() {
        AtomicInteger threads = new AtomicInteger();
        pool = Executors.newFixedThreadPool(4, task -> new Thread(task, POOL_PREFIX + threads.incrementAndGet()));
        queue = new SerialQueue(pool);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS), "executor did not stop");
    }

    @Test
    void aTaskStartsOnlyAfterTheStageOfThePreviousOneCompleted() {
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        CompletableFuture<Void> third = CompletableFuture.completedFuture(null);

        queue.submit(task("1", first));
        queue.submit(task("2", second));
        queue.submit(task("3", third));
        Await.until("task 1 started", () -> timeline.contains("start 1"));
        second.complete(null);
        Await.never("task 2 started before task 1's stage completed", () -> timeline.contains("start 2"));
        timeline.add("complete 1");
        first.complete(null);

        Await.until("all tasks ran", () -> queue.pending() == 0);
        assertEquals(List.of("start 1", "complete 1", "start 2", "start 3"), timeline);
    }

    @Test
    void aFailedStageDoesNotStallTheQueue() {
        CompletableFuture<Void> failing = new CompletableFuture<>();
        queue.submit(task("1", failing));
        queue.submit(task("2", CompletableFuture.completedFuture(null)));
        Await.until("task 1 started", () -> timeline.contains("start 1"));

        failing.completeExceptionally(new IllegalStateException("boom"));

        Await.until("task 2 ran", () -> timeline.contains("start 2"));
        Await.until("queue empty", () -> queue.pending() == 0);
    }

    @Test
    void aTaskThatThrowsOrReturnsNullDoesNotStallTheQueue() {
        queue.submit(() -> {
            timeline.add("throws");
            throw new IllegalStateException("boom");
        });
        queue.submit(() -> {
            timeline.add("null");
            return null;
        });
        queue.submit(task("after", CompletableFuture.completedFuture(null)));

        Await.until("queue empty", () -> queue.pending() == 0);
        assertEquals(List.of("throws", "null", "start after"), timeline);
    }

    @Test
    void submitWithALimitRefusesWhenThatManyTasksAreWaitingOrRunning() {
        CompletableFuture<Void> running = new CompletableFuture<>();
        assertTrue(queue.submit(task("1", running), 2));
        Await.until("task 1 started", () -> timeline.contains("start 1"));

        assertTrue(queue.submit(task("2", CompletableFuture.completedFuture(null)), 2));
        assertFalse(queue.submit(task("3", CompletableFuture.completedFuture(null)), 2));
        assertEquals(2, queue.pending());
        queue.submit(task("lifecycle", CompletableFuture.completedFuture(null)));
        assertEquals(3, queue.pending(), "submit without a limit is never refused");

        running.complete(null);
        Await.until("queue empty", () -> queue.pending() == 0);
        assertEquals(List.of("start 1", "start 2", "start lifecycle"), timeline);
        assertTrue(queue.submit(task("4", CompletableFuture.completedFuture(null)), 2), "accepts again once drained");
    }

    @Test
    void tasksNeverRunOnTheSubmittingThreadNorOnTheThreadThatCompletedAStage() {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CompletableFuture<Void> completedByTest = new CompletableFuture<>();
        Supplier<CompletionStage<?>> recordThread = () -> {
            threads.add(Thread.currentThread());
            return CompletableFuture.completedFuture(null);
        };

        for (int i = 0; i < 50; i++) {
            queue.submit(recordThread);
        }
        CountDownLatch waiting = new CountDownLatch(1);
        queue.submit(() -> {
            waiting.countDown();
            return completedByTest;
        });
        queue.submit(recordThread);
        Await.until("the waiting task is reached", () -> waiting.getCount() == 0);
        completedByTest.complete(null);
        Await.until("queue empty", () -> queue.pending() == 0);

        assertFalse(threads.contains(Thread.currentThread()));
        threads.forEach(thread -> assertTrue(thread.getName().startsWith(POOL_PREFIX), thread.getName()));
    }

    @Test
    void manySynchronousTasksFromSeveralThreadsRunOneAtATimeInSubmissionOrderPerThread() throws Exception {
        int producers = 4;
        int tasksEach = 2_000;
        List<List<Integer>> seen = new ArrayList<>();
        IntStream.range(0, producers).forEach(p -> seen.add(new ArrayList<>()));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService submitters = Executors.newFixedThreadPool(producers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                List<Integer> mine = seen.get(p);
                done.add(submitters.submit(() -> {
                    start.await();
                    for (int i = 0; i < tasksEach; i++) {
                        int n = i;
                        queue.submit(() -> {
                            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                            mine.add(n); // unsynchronized on purpose: the queue runs one task at a time
                            running.decrementAndGet();
                            return CompletableFuture.completedFuture(null);
                        });
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.SECONDS);
            }
        } finally {
            submitters.shutdownNow();
        }

        Await.until("queue empty", () -> queue.pending() == 0);
        assertEquals(1, maxRunning.get(), "tasks ran concurrently");
        List<Integer> expected = IntStream.range(0, tasksEach).boxed().toList();
        seen.forEach(list -> assertEquals(expected, list));
    }

    @Test
    void whenTheExecutorRefusesTheTaskStillRunsAsDocumentedForShutdown() {
        pool.shutdown();

        queue.submit(task("late", CompletableFuture.completedFuture(null)));

        assertEquals(List.of("start late"), timeline);
        assertEquals(0, queue.pending());
    }

    private Supplier<CompletionStage<?>> task(String name, CompletionStage<?> stage) {
        return () -> {
            timeline.add("start " + name);
            return stage;
        };
    }
}
