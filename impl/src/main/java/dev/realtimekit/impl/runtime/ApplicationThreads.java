package dev.realtimekit.impl.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the kit runs the application's work (handler calls, one connection's tasks after another):
 * a few threads from the container's {@code ManagedThreadFactory}, which run with the application's
 * context captured once, when the factory was injected, so a task costs no context capture and no
 * context switch. The managed executor captures the submitting thread's context for every task and
 * applies it again on its own thread; with the contextual proxy that first gives foreign threads
 * (Redisson's) the application's context, that was about a fifth of a node's CPU at W3
 * (docs/benchmarks.md, run 13).
 *
 * <p>A task goes to an idle thread of the pool, or to a new one up to {@code maxThreads}; when all
 * are busy (handlers that block), or when the factory or the pool refuses (the application is
 * stopping), it goes to {@code overflow}, the managed executor as before, so blocked handlers never
 * hold up the others. A thread takes tasks again once it waits for one: a task that comes in the
 * moment a thread finishes its previous one may also go to the overflow (about 5% of tasks sent
 * one right after another), which costs that task what every task cost before. Idle threads end
 * after {@value #IDLE_SECONDS} s. Thread-safe.
 */
final class ApplicationThreads implements Executor, AutoCloseable {

    static final long IDLE_SECONDS = 60;

    private final ThreadPoolExecutor pool;
    private final Executor overflow;

    /**
     * @param factory the managed thread factory (its threads carry the application's context)
     * @param maxThreads the most threads of the pool; further tasks go to {@code overflow}
     * @param overflow runs the tasks the pool does not take
     */
    ApplicationThreads(ThreadFactory factory, int maxThreads, Executor overflow) {
        this.overflow = overflow;
        AtomicInteger created = new AtomicInteger();
        ThreadFactory named = task -> {
            Thread thread = factory.newThread(task);
            if (thread != null) {
                thread.setName("realtime-kit-" + created.incrementAndGet());
            }
            return thread;
        };
        // No queue: a task waits for no thread of this pool, it takes an idle one or goes elsewhere.
        pool = new ThreadPoolExecutor(maxThreads, maxThreads, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(),
                named, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable task) {
        try {
            pool.execute(task);
        } catch (RejectedExecutionException | IllegalStateException | SecurityException e) {
            overflow.execute(task); // all busy, or no new managed thread (the application is stopping)
        }
    }

    /** Takes no more tasks (they go to the overflow); running ones finish, idle threads end. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
