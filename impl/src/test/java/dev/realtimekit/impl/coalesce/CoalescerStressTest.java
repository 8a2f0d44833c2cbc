package dev.realtimekit.impl.coalesce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtimekit.CoalescerStats;
import dev.realtimekit.testsupport.Await;

/** Many threads, many keys, operations completing on other threads: nobody gets another key's result. */
class CoalescerStressTest {

    private static final int THREADS = 16;
    private static final int CALLS_PER_THREAD = 10_000;
    private static final int KEYS = 100;
    /** Every this many operations, one fails (with its key in the message, so callers can check it). */
    private static final int FAIL_EVERY = 7;

    private final ExecutorService callers = Executors.newFixedThreadPool(THREADS);
    private final ExecutorService completers = Executors.newFixedThreadPool(4);

    @AfterEach
    void stopThreads() {
        callers.shutdownNow();
        completers.shutdownNow();
    }

    record Outcome(int key, long operation) {
    }

    @Test
    void everyCallerGetsAnOutcomeOfItsOwnKeyAndEveryCallIsCounted() throws Exception {
        DefaultCoalescer<Integer, Outcome> coalescer = new DefaultCoalescer<>();
        AtomicLong operations = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        AtomicIntegerArray running = new AtomicIntegerArray(KEYS);
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);

        List<Future<List<Check>>> work = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int seed = t;
            work.add(callers.submit(() -> {
                start.await();
                List<Check> checks = new ArrayList<>(CALLS_PER_THREAD);
                for (int i = 0; i < CALLS_PER_THREAD; i++) {
                    int key = (i * 31 + seed * 17) % KEYS;
                    CompletionStage<Outcome> stage = coalescer.execute(key, () -> {
                        long id = operations.incrementAndGet();
                        if (running.incrementAndGet(key) > 1) {
                            overlaps.incrementAndGet();
                        }
                        CompletableFuture<Outcome> result = new CompletableFuture<>();
                        completers.execute(() -> {
                            running.decrementAndGet(key);
                            if (id % FAIL_EVERY == 0) {
                                failures.incrementAndGet();
                                result.completeExceptionally(new IllegalStateException("key " + key));
                            } else {
                                result.complete(new Outcome(key, id));
                            }
                        });
                        return result;
                    });
                    checks.add(new Check(key, stage.toCompletableFuture()));
                }
                return checks;
            }));
        }
        start.countDown();

        long calls = 0;
        for (Future<List<Check>> thread : work) {
            for (Check check : thread.get(60, TimeUnit.SECONDS)) {
                check.verify();
                calls++;
            }
        }

        assertEquals((long) THREADS * CALLS_PER_THREAD, calls);
        assertEquals(0, overlaps.get(), "two operations ran at once for one key");
        CoalescerStats stats = coalescer.stats();
        assertEquals(calls, stats.initiated() + stats.coalesced());
        assertEquals(operations.get(), stats.initiated());
        assertEquals(failures.get(), stats.failed());
        assertEquals(0, stats.timedOut());
        assertEquals(0, stats.pendingKeys());
        assertTrue(stats.coalesced() > 0, "nothing was coalesced, so the test proved nothing: " + stats);
    }

    /** One caller's key and stage. */
    private record Check(int key, CompletableFuture<Outcome> stage) {
        void verify() {
            try {
                Outcome outcome = stage.get(Await.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals(key, outcome.key(), "a caller got another key's result");
            } catch (java.util.concurrent.ExecutionException e) {
                assertEquals("key " + key, e.getCause().getMessage(), "a caller got another key's failure");
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("caller for key " + key + " not completed", e);
            }
        }
    }
}
