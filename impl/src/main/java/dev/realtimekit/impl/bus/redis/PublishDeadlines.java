package dev.realtimekit.impl.bus.redis;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Fails every topic's send that Redis has not answered within the publish timeout
 * ({@link TopicPublisher#expire}), from one timer for all topics. A JDK timeout per send
 * ({@code orTimeout}) woke the JDK's timer thread for most sends: with the thread it woke, 1.9% of a
 * node's CPU in small rooms (docs/benchmarks.md, run 20).
 *
 * <p>The check runs every tick (a tenth of the timeout, at most {@link #MAX_TICK_MS}) on the JDK's
 * timer thread, as {@code orTimeout} did, and fails sends from one tick before their timeout on, so
 * that none waits longer than the timeout. It stops once {@code stopped} says so.
 */
final class PublishDeadlines {

    static final long MAX_TICK_MS = 100;

    private final Collection<TopicPublisher> publishers;
    private final long tickMs;
    private final long limitNanos;
    private final BooleanSupplier stopped;

    /** @param publishers the topics' publishers of the moment (a live view) */
    PublishDeadlines(Collection<TopicPublisher> publishers, long timeoutMs, BooleanSupplier stopped) {
        this.publishers = publishers;
        this.tickMs = Math.max(1, Math.min(MAX_TICK_MS, timeoutMs / 10));
        this.limitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs - tickMs));
        this.stopped = stopped;
    }

    void start() {
        if (!stopped.getAsBoolean()) {
            // Runs on the JDK's timer thread itself: the check only completes stages.
            CompletableFuture.delayedExecutor(tickMs, TimeUnit.MILLISECONDS, Runnable::run).execute(this::check);
        }
    }

    private void check() {
        try {
            long now = System.nanoTime();
            for (TopicPublisher publisher : publishers) {
                publisher.expire(now, limitNanos);
            }
        } finally {
            start();
        }
    }
}
