package dev.realtimekit.impl.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtimekit.testsupport.Await;

class ApplicationThreadsTest {

    /** Threads the "managed" factory made. */
    private final Set<Thread> made = ConcurrentHashMap.newKeySet();
    private final ThreadFactory factory = task -> {
        Thread thread = new Thread(task);
        thread.setDaemon(true);
        made.add(thread);
        return thread;
    };
    /** Tasks the overflow got, run on the calling thread. */
    private final List<Runnable> overflowed = new CopyOnWriteArrayList<>();
    private final Executor overflow = task -> {
        overflowed.add(task);
        task.run();
    };
    private ApplicationThreads threads;

    @AfterEach
    void close() {
        if (threads != null) {
            threads.close();
        }
    }

    private Thread runOn(Executor executor) throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        executor.execute(() -> ranOn.complete(Thread.currentThread()));
        return ranOn.get(5, TimeUnit.SECONDS);
    }

    @Test
    void tasksRunOnTheFactorysThreadsWhichAreReused() throws Exception {
        threads = new ApplicationThreads(factory, 2, overflow);

        for (int i = 0; i < 50; i++) {
            // A thread takes a task once it waits for one again (just after a task it may not yet: then
            // the task goes to the overflow, as when all are busy).
            Await.until("the pool's threads wait for tasks",
                    () -> made.stream().allMatch(thread -> thread.getState() == Thread.State.TIMED_WAITING));
            Thread ranOn = runOn(threads);
            assertTrue(made.contains(ranOn), "ran on " + ranOn.getName());
            assertTrue(ranOn.getName().startsWith("realtime-kit-"), ranOn.getName());
        }
        assertTrue(made.size() <= 2, made.size() + " threads for tasks one after another");
        assertEquals(List.of(), overflowed);
    }

    @Test
    void whenEveryThreadIsBusyTheOverflowRunsTheTask() throws Exception {
        threads = new ApplicationThreads(factory, 2, overflow);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            threads.execute(() -> { // a handler that blocks
                busy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertTrue(busy.await(5, TimeUnit.SECONDS));

        Thread ranOn = runOn(threads);

        assertEquals(Thread.currentThread(), ranOn, "not held up behind the blocked tasks");
        assertEquals(1, overflowed.size());
        release.countDown();
    }

    @Test
    void aFactoryThatRefusesThreadsSendsTasksToTheOverflow() throws Exception {
        threads = new ApplicationThreads(task -> null, 2, overflow); // as a factory whose application stopped
        assertEquals(Thread.currentThread(), runOn(threads));

        AtomicInteger asked = new AtomicInteger();
        ApplicationThreads throwing = new ApplicationThreads(task -> {
            asked.incrementAndGet();
            throw new IllegalStateException("the component is stopping");
        }, 2, overflow);
        try {
            assertEquals(Thread.currentThread(), runOn(throwing));
        } finally {
            throwing.close();
        }
        assertEquals(1, asked.get());
        assertEquals(2, overflowed.size());
    }

    @Test
    void afterCloseTasksGoToTheOverflow() throws Exception {
        threads = new ApplicationThreads(factory, 2, overflow);
        runOn(threads);

        threads.close();

        assertEquals(Thread.currentThread(), runOn(threads));
        assertEquals(1, overflowed.size());
    }
}
