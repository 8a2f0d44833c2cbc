package dev.realtimekit.impl.coalesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtimekit.CoalescerStats;
import dev.realtimekit.CoalescerTimeoutException;
import dev.realtimekit.testsupport.Await;

class CoalescerTest {

    private static final String KEY = "room-private-user-42";

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void concurrentCallersOnOneKeyShareOneOperation() throws Exception {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();
        CompletableFuture<String> load = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CompletionStage<String>>> callers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            callers.add(threads.submit(() -> {
                start.await();
                return coalescer.execute(KEY, () -> {
                    calls.incrementAndGet();
                    return load;
                });
            }));
        }
        start.countDown();
        List<CompletionStage<String>> stages = new ArrayList<>();
        for (Future<CompletionStage<String>> caller : callers) {
            stages.add(caller.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
        assertEquals(new CoalescerStats(1, 4, 0, 0, 1), coalescer.stats());
        stages.forEach(stage -> assertFalse(stage.toCompletableFuture().isDone(), "completed before the operation"));

        load.complete("snapshot");

        for (CompletionStage<String> stage : stages) {
            assertEquals("snapshot", Await.result(stage));
        }
        assertEquals(1, calls.get());
        assertEquals(new CoalescerStats(1, 4, 0, 0, 0), coalescer.stats());
    }

    @Test
    void completedResultIsNotCached() {
        DefaultCoalescer<String, Integer> coalescer = new DefaultCoalescer<>();
        AtomicInteger calls = new AtomicInteger();
        Supplier<CompletionStage<Integer>> count = () -> CompletableFuture.completedFuture(calls.incrementAndGet());

        assertEquals(1, Await.result(coalescer.execute(KEY, count)));
        assertEquals(2, Await.result(coalescer.execute(KEY, count)));
        assertEquals(new CoalescerStats(2, 0, 0, 0, 0), coalescer.stats());
    }

    @Test
    void callerReactingToTheResultFindsTheKeyFree() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();
        CompletableFuture<String> first = new CompletableFuture<>();
        AtomicReference<CompletionStage<String>> again = new AtomicReference<>();
        coalescer.execute(KEY, () -> first)
                .thenRun(() -> again.set(coalescer.execute(KEY, () -> CompletableFuture.completedFuture("second"))));

        first.complete("first");

        assertEquals("second", Await.result(again.get()));
        assertEquals(new CoalescerStats(2, 0, 0, 0, 0), coalescer.stats());
    }

    @Test
    void differentKeysRunTheirOwnOperations() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();
        CompletableFuture<String> a = new CompletableFuture<>();
        CompletableFuture<String> b = new CompletableFuture<>();
        CompletionStage<String> forA = coalescer.execute("a", () -> a);
        CompletionStage<String> forB = coalescer.execute("b", () -> b);
        assertEquals(2, coalescer.stats().pendingKeys());

        b.complete("B");
        a.complete("A");

        assertEquals("A", Await.result(forA));
        assertEquals("B", Await.result(forB));
        assertEquals(new CoalescerStats(2, 0, 0, 0, 0), coalescer.stats());
    }

    @Test
    void failureFailsEveryWaiterAndIsNotCached() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();
        CompletableFuture<String> load = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        Supplier<CompletionStage<String>> operation = () -> {
            calls.incrementAndGet();
            return load;
        };
        List<CompletionStage<String>> stages = List.of(
                coalescer.execute(KEY, operation), coalescer.execute(KEY, operation), coalescer.execute(KEY, operation));
        IllegalStateException boom = new IllegalStateException("database down");
        AtomicReference<CoalescerStats> seenByCaller = new AtomicReference<>();
        stages.get(1).whenComplete((value, failure) -> seenByCaller.set(coalescer.stats()));

        load.completeExceptionally(boom);

        for (CompletionStage<String> stage : stages) {
            assertSame(boom, Await.failure(stage));
        }
        assertEquals(new CoalescerStats(1, 2, 1, 0, 0), seenByCaller.get(), "counted after the callers saw it");
        assertEquals(new CoalescerStats(1, 2, 1, 0, 0), coalescer.stats());
        assertEquals("retried", Await.result(coalescer.execute(KEY, () -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture("retried");
        })));
        assertEquals(2, calls.get());
        assertEquals(new CoalescerStats(2, 2, 1, 0, 0), coalescer.stats());
    }

    @Test
    void operationThrowingFailsItsCallerAndThoseCoalescedWhileItRan() throws Exception {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IllegalStateException boom = new IllegalStateException("no connection");
        Future<CompletionStage<String>> starter = threads.submit(() -> coalescer.execute(KEY, () -> {
            entered.countDown();
            awaitLatch(release);
            throw boom;
        }));
        assertTrue(entered.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        AtomicInteger coalescedCalls = new AtomicInteger();
        CompletionStage<String> joined = coalescer.execute(KEY, () -> {
            coalescedCalls.incrementAndGet();
            return CompletableFuture.completedFuture("never");
        });

        release.countDown();

        assertSame(boom, Await.failure(starter.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)));
        assertSame(boom, Await.failure(joined));
        assertEquals(0, coalescedCalls.get());
        assertEquals(new CoalescerStats(1, 1, 1, 0, 0), coalescer.stats());
        assertEquals("again", Await.result(coalescer.execute(KEY, () -> CompletableFuture.completedFuture("again"))));
    }

    @Test
    void operationReturningNullFailsWithNullPointerException() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();

        Throwable failure = Await.failure(coalescer.execute(KEY, () -> null));

        assertInstanceOf(NullPointerException.class, failure);
        assertEquals(new CoalescerStats(1, 0, 1, 0, 0), coalescer.stats());
    }

    @Test
    void nullArgumentsAreRefusedAndNotCounted() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();

        assertThrows(NullPointerException.class, () -> coalescer.execute(null, () -> CompletableFuture.completedFuture("x")));
        assertThrows(NullPointerException.class, () -> coalescer.execute(KEY, null));

        assertEquals(new CoalescerStats(0, 0, 0, 0, 0), coalescer.stats());
    }

    @Test
    void callerCompletingItsOwnStageAffectsNoOtherCaller() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();
        CompletableFuture<String> load = new CompletableFuture<>();
        CompletionStage<String> impatient = coalescer.execute(KEY, () -> load);
        CompletionStage<String> patient = coalescer.execute(KEY, () -> load);

        impatient.toCompletableFuture().cancel(false);
        impatient.toCompletableFuture().complete("forged");

        assertFalse(patient.toCompletableFuture().isDone());
        assertFalse(load.isDone(), "a caller's cancel reached the operation");
        load.complete("real");
        assertEquals("real", Await.result(patient));
        assertEquals(0, coalescer.stats().pendingKeys());
    }

    @Test
    void callersCompleteOnTheThreadThatCompletesTheOperation() throws Exception {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();
        CompletableFuture<String> load = new CompletableFuture<>();
        CompletionStage<String> thread = coalescer.execute(KEY, () -> load).thenApply(value -> Thread.currentThread().getName());

        Thread completer = new Thread(() -> load.complete("done"), "operation-completer");
        completer.start();
        completer.join(Await.TIMEOUT.toMillis());

        assertEquals("operation-completer", Await.result(thread));
    }

    @Test
    void timeoutFailsTheCallersAndFreesTheKeyWhileTheOperationStillRuns() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>(Duration.ofMillis(100));
        CompletableFuture<String> slow = new CompletableFuture<>();
        CompletionStage<String> first = coalescer.execute(KEY, () -> slow);
        CompletionStage<String> joined = coalescer.execute(KEY, () -> slow);
        AtomicReference<CoalescerStats> seenByCaller = new AtomicReference<>();
        CompletionStage<String> observed = first.whenComplete((value, e) -> seenByCaller.set(coalescer.stats()));

        Throwable failure = Await.failure(first);
        Await.failure(observed);
        assertEquals(new CoalescerStats(1, 1, 0, 1, 0), seenByCaller.get(), "counted after the callers saw it");

        CoalescerTimeoutException timeout = assertInstanceOf(CoalescerTimeoutException.class, failure);
        assertSame(timeout, Await.failure(joined));
        assertEquals(Duration.ofMillis(100), timeout.timeout());
        assertEquals("The coalesced operation did not complete within 100 ms", timeout.getMessage());
        assertFalse(timeout.getMessage().contains(KEY));
        assertEquals(new CoalescerStats(1, 1, 0, 1, 0), coalescer.stats());
        assertFalse(slow.isDone(), "the operation is not cancelled");

        CompletableFuture<String> fresh = new CompletableFuture<>();
        AtomicInteger freshCalls = new AtomicInteger();
        CompletionStage<String> next = coalescer.execute(KEY, () -> {
            freshCalls.incrementAndGet();
            return fresh;
        });
        assertEquals(1, freshCalls.get());
        assertEquals(new CoalescerStats(2, 1, 0, 1, 1), coalescer.stats());

        slow.complete("late");

        assertFalse(next.toCompletableFuture().isDone(), "the late result completed a caller of the fresh operation");
        assertEquals(new CoalescerStats(2, 1, 0, 1, 1), coalescer.stats());
        CompletionStage<String> joinedFresh = coalescer.execute(KEY, () -> CompletableFuture.completedFuture("not run"));
        assertEquals(new CoalescerStats(2, 2, 0, 1, 1), coalescer.stats());
        fresh.complete("fresh");
        assertEquals("fresh", Await.result(next));
        assertEquals("fresh", Await.result(joinedFresh));
        assertEquals(new CoalescerStats(2, 2, 0, 1, 0), coalescer.stats());
    }

    @Test
    void lateFailureOfATimedOutOperationIsNotCounted() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>(Duration.ofMillis(20));
        CompletableFuture<String> slow = new CompletableFuture<>();
        assertInstanceOf(CoalescerTimeoutException.class, Await.failure(coalescer.execute(KEY, () -> slow)));

        slow.completeExceptionally(new IllegalStateException("late"));

        assertEquals(new CoalescerStats(1, 0, 0, 1, 0), coalescer.stats());
    }

    @Test
    void timedOutCallersCompleteOnTheJdkTimerThread() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>(Duration.ofMillis(100));
        AtomicReference<String> thread = new AtomicReference<>();
        CompletionStage<String> stage = coalescer.execute(KEY, CompletableFuture::new)
                .whenComplete((value, failure) -> thread.set(Thread.currentThread().getName()));

        Await.failure(stage);

        assertEquals("CompletableFutureDelayScheduler", thread.get());
    }

    @Test
    void operationCompletingInTimeDoesNotTimeOutLater() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>(Duration.ofMillis(80));
        CompletableFuture<String> load = new CompletableFuture<>();
        CompletionStage<String> stage = coalescer.execute(KEY, () -> load);
        load.complete("in time");

        assertEquals("in time", Await.result(stage));
        Await.never("the completed operation timed out afterwards", () -> coalescer.stats().timedOut() > 0);
        assertEquals(new CoalescerStats(1, 0, 0, 0, 0), coalescer.stats());
    }

    @Test
    void resetClearsTheCountersButKeepsOperationsInFlight() {
        DefaultCoalescer<String, String> coalescer = new DefaultCoalescer<>();
        Await.result(coalescer.execute("done", () -> CompletableFuture.completedFuture("x")));
        Await.failure(coalescer.execute("failed", () -> CompletableFuture.failedFuture(new IllegalStateException())));
        CompletableFuture<String> running = new CompletableFuture<>();
        CompletionStage<String> before = coalescer.execute(KEY, () -> running);
        coalescer.execute(KEY, () -> running);
        assertEquals(new CoalescerStats(3, 1, 1, 0, 1), coalescer.stats());

        coalescer.resetStats();

        assertEquals(new CoalescerStats(0, 0, 0, 0, 1), coalescer.stats());
        AtomicInteger calls = new AtomicInteger();
        CompletionStage<String> after = coalescer.execute(KEY, () -> {
            calls.incrementAndGet();
            return CompletableFuture.completedFuture("second operation");
        });
        assertEquals(0, calls.get(), "a second operation started for a key in flight after the reset");
        running.completeExceptionally(new IllegalStateException("boom"));
        assertInstanceOf(IllegalStateException.class, Await.failure(before));
        assertInstanceOf(IllegalStateException.class, Await.failure(after));
        assertEquals(new CoalescerStats(0, 1, 1, 0, 0), coalescer.stats());
    }

    @Test
    void timeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new DefaultCoalescer<>(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new DefaultCoalescer<>(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> new DefaultCoalescer<>(Duration.ofDays(365L * 300)));
        assertEquals(Duration.ofSeconds(2), new DefaultCoalescer<>(Duration.ofSeconds(2)).timeout().orElseThrow());
        assertTrue(new DefaultCoalescer<>().timeout().isEmpty());
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
