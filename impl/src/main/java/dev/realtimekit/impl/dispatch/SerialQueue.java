package dev.realtimekit.impl.dispatch;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.realtimekit.impl.i18n.Messages;

/**
 * Runs asynchronous tasks strictly one after another, on an executor: a task starts only after the
 * stage returned by the previous one has completed. This gives one connection its message order
 * while different connections run in parallel.
 *
 * <p>Thread-safe; {@link #submit} never blocks and never runs a task on the caller's thread.
 */
public final class SerialQueue {

    /** Tasks that complete synchronously are chained on one thread up to this many, then the queue yields the thread. */
    private static final int BATCH = 16;

    private final Queue<Supplier<? extends CompletionStage<?>>> tasks = new ConcurrentLinkedQueue<>();
    /** Tasks submitted and not yet finished; the submitter that raises it from 0 starts the drain. */
    private final AtomicInteger pending = new AtomicInteger();
    private final Executor executor;

    public SerialQueue(Executor executor) {
        this.executor = executor;
    }

    /**
     * Queues a task unless {@code limit} tasks are already waiting or running.
     *
     * @return false when the task was refused because the queue is full
     */
    public boolean submit(Supplier<? extends CompletionStage<?>> task, int limit) {
        if (pending.get() >= limit) {
            return false;
        }
        enqueue(task);
        return true;
    }

    /** Queues a task whatever the queue's length (for lifecycle tasks that must run). */
    public void submit(Supplier<? extends CompletionStage<?>> task) {
        enqueue(task);
    }

    /** @return the number of tasks waiting or running */
    public int pending() {
        return pending.get();
    }

    private void enqueue(Supplier<? extends CompletionStage<?>> task) {
        // Add before counting: a drainer that sees the count never finds the queue empty.
        tasks.add(task);
        if (pending.getAndIncrement() == 0) {
            schedule();
        }
    }

    private void schedule() {
        try {
            executor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            // The application is stopping: run what is left here so lifecycle callbacks still happen.
            Messages.unexpected("scheduling a connection task (executor refused it)", e);
            drain();
        } catch (RuntimeException | Error e) {
            Messages.unexpected("scheduling a connection task on thread " + Thread.currentThread().getName(), e);
            drain();
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            CompletableFuture<?> done = run(tasks.poll());
            if (!done.isDone()) {
                done.whenComplete((result, failure) -> {
                    if (pending.decrementAndGet() > 0) {
                        schedule();
                    }
                });
                return;
            }
            if (pending.decrementAndGet() == 0) {
                return;
            }
        }
        schedule();
    }

    private static CompletableFuture<?> run(Supplier<? extends CompletionStage<?>> task) {
        try {
            CompletionStage<?> stage = task.get();
            if (stage == null) {
                return CompletableFuture.completedFuture(null);
            }
            // Only completion matters here, not the value: use the stage's own future where it has one.
            return Stages.toFuture(stage);
        } catch (RuntimeException | Error e) {
            Messages.unexpected("a connection task", e);
            return CompletableFuture.completedFuture(null);
        }
    }
}
