package dev.realtimekit.impl.coalesce;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.realtimekit.Coalescer;
import dev.realtimekit.CoalescerStats;
import dev.realtimekit.CoalescerTimeoutException;

/**
 * The kit's {@link Coalescer}: one map entry per key in flight, removed before the operation's outcome
 * is handed out, so a caller reacting to the outcome already finds the key free. Thread-safe and
 * lock-free; the operation is called outside any lock.
 *
 * <p>The timeout uses {@link CompletableFuture#orTimeout}, that is the JDK's shared delay thread, which
 * also completes the callers of a timed-out operation. The timer of an operation that completes in time
 * is cancelled at once, so a busy coalescer leaves no timers behind. In a server, that JDK thread should
 * first be started by the kit at startup and not from an application thread (it would keep that
 * application's class loader alive).
 *
 * @param <K> the key type
 * @param <T> the result type
 */
public final class DefaultCoalescer<K, T> implements Coalescer<K, T> {

    private final ConcurrentHashMap<K, Flight<T>> inFlight = new ConcurrentHashMap<>();
    private final Duration timeout;
    private final AtomicLong initiated = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();

    /** A coalescer without a timeout: callers wait as long as the operation takes. */
    public DefaultCoalescer() {
        this.timeout = null;
    }

    /**
     * @param timeout how long an operation may take before its callers fail with
     *     {@link CoalescerTimeoutException} and its key is freed; positive
     * @throws IllegalArgumentException if the timeout is zero, negative or longer than about 292 years
     */
    public DefaultCoalescer(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("The coalescer timeout must be positive, not " + timeout);
        }
        try {
            timeout.toNanos();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("The coalescer timeout is too long: " + timeout, e);
        }
        this.timeout = timeout;
    }

    /** @return the timeout, or empty when callers wait as long as the operation takes */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    @Override
    public CompletionStage<T> execute(K key, Supplier<? extends CompletionStage<T>> operation) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operation, "operation");
        Flight<T> flight = new Flight<>();
        Flight<T> running = inFlight.putIfAbsent(key, flight);
        if (running != null) {
            coalesced.incrementAndGet();
            return running.result.copy();
        }
        initiated.incrementAndGet();
        CompletionStage<T> stage;
        try {
            stage = operation.get();
        } catch (Throwable e) { // whatever it throws fails the callers; the key must not stay occupied
            land(key, flight, null, e);
            return flight.result.copy();
        }
        if (stage == null) {
            land(key, flight, null, new NullPointerException("The coalesced operation returned null instead of a stage"));
            return flight.result.copy();
        }
        stage.whenComplete((value, failure) -> land(key, flight, value, failure));
        if (timeout != null && !flight.result.isDone()) {
            // A finished operation completes the deadline, which cancels the JDK's timer task.
            flight.deadline.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS).whenComplete((ignored, failure) -> {
                if (failure instanceof TimeoutException) {
                    expire(key, flight);
                }
            });
        }
        return flight.result.copy();
    }

    /**
     * The operation finished: unless the timeout came first, free the key and count the outcome, then
     * hand it out, so that a caller seeing it finds both done.
     */
    private void land(K key, Flight<T> flight, T value, Throwable failure) {
        flight.deadline.complete(null);
        if (!flight.settled.compareAndSet(false, true)) {
            return;
        }
        inFlight.remove(key, flight);
        if (failure == null) {
            flight.result.complete(value);
        } else {
            failed.incrementAndGet();
            flight.result.completeExceptionally(failure);
        }
    }

    /** The timeout came first: free the key, count it, then fail the callers. */
    private void expire(K key, Flight<T> flight) {
        if (!flight.settled.compareAndSet(false, true)) {
            return;
        }
        inFlight.remove(key, flight);
        timedOut.incrementAndGet();
        flight.result.completeExceptionally(new CoalescerTimeoutException(timeout));
    }

    @Override
    public CoalescerStats stats() {
        return new CoalescerStats(initiated.get(), coalesced.get(), failed.get(), timedOut.get(), inFlight.size());
    }

    @Override
    public void resetStats() {
        initiated.set(0);
        coalesced.set(0);
        failed.set(0);
        timedOut.set(0);
    }

    /**
     * One operation in flight: the outcome every caller gets a copy of, the deadline its timer watches,
     * and whether the operation or the timer settled it (the first to set it wins, the other does
     * nothing). Identity matters: a key is only ever removed together with its own flight.
     */
    private static final class Flight<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final CompletableFuture<Void> deadline = new CompletableFuture<>();
        final AtomicBoolean settled = new AtomicBoolean();
    }
}
