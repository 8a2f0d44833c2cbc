package dev.realtimekit.impl.bus.redis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One topic's publishes, sent to Redis in the order they were made without waiting for each other:
 * one send is in flight at a time; the publishes made meanwhile wait and go together in the next
 * send, a pipelined batch on one connection, so Redis executes them in order. A sender therefore
 * needs no answer before it publishes again, and its events still reach every subscriber in the
 * order it published them.
 *
 * <p>Thread-safe. At most {@link #MAX_WAITING} publishes wait; beyond that a publish fails at once
 * (Redis is too slow or away: the sender learns it as for any failed publish). A send that Redis has
 * not answered fails when {@link #expire} finds it too old; the owner calls that from one timer for
 * all topics, instead of one JDK timeout per send, each of which woke the JDK's timer thread.
 */
final class TopicPublisher {

    /** Publishes of one topic that may wait behind the one in flight. */
    static final int MAX_WAITING = 10_000;
    /** Publishes sent together at most, so that one send stays small. */
    static final int MAX_BATCH = 256;

    /** A publish and the stage its sender waits for. */
    record Publish(String payload, CompletableFuture<Void> done) {
    }

    /** The outcome of a send, and when it started ({@link System#nanoTime}). */
    private static final class Send extends CompletableFuture<Void> {
        final long startedNanos = System.nanoTime();
    }

    private final Function<List<String>, CompletionStage<?>> send;
    private final Consumer<TopicPublisher> idle;
    private final CompletableFuture<?> ready;
    /** Guarded by this. */
    private final ArrayDeque<Publish> waiting = new ArrayDeque<>();
    /** Guarded by this: a send is in flight. */
    private boolean sending;
    /** Guarded by this: idle and handed back; a new publish must use a new publisher. */
    private boolean retired;
    /** The latest send: in flight until it completes. */
    private volatile Send latest;

    /**
     * @param send sends the payloads in order (one PUBLISH, or a batch of them); its stage completes
     *     when Redis answered, or fails
     * @param idle told once, under this publisher's lock, when nothing is in flight or waiting any more
     *     (the owner forgets it then)
     */
    TopicPublisher(Function<List<String>, CompletionStage<?>> send, Consumer<TopicPublisher> idle) {
        this(send, idle, CompletableFuture.completedFuture(null));
    }

    /**
     * @param ready completes when sends may go to Redis ({@link FirstConnection}); until then a send
     *     waits for it without blocking its caller, and one that expired meanwhile is never sent (so
     *     the next, started after it failed, cannot overtake it); if it fails, the waiting send fails
     */
    TopicPublisher(Function<List<String>, CompletionStage<?>> send, Consumer<TopicPublisher> idle,
            CompletableFuture<?> ready) {
        this.send = send;
        this.idle = idle;
        this.ready = ready;
    }

    /**
     * @return the publish's stage (completes when Redis took it, fails when it could not or when too
     *     many wait), or null when this publisher was retired: use a new one
     */
    CompletableFuture<Void> publish(String payload) {
        Publish publish = new Publish(payload, new CompletableFuture<>());
        synchronized (this) {
            if (retired) {
                return null;
            }
            if (sending) {
                if (waiting.size() >= MAX_WAITING) {
                    publish.done().completeExceptionally(new RejectedExecutionException(
                            MAX_WAITING + " publishes of this topic already wait for Redis"));
                } else {
                    waiting.add(publish);
                }
                return publish.done();
            }
            sending = true;
        }
        send(List.of(publish));
        return publish.done();
    }

    private void send(List<Publish> batch) {
        List<String> payloads = new ArrayList<>(batch.size());
        for (Publish publish : batch) {
            payloads.add(publish.payload());
        }
        Send outcome = new Send();
        latest = outcome;
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            sendNow(payloads, outcome);
        } else {
            ready.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    outcome.completeExceptionally(failure);
                } else if (!outcome.isDone()) {
                    sendNow(payloads, outcome);
                }
            });
        }
        outcome.whenComplete((ignored, failure) -> {
            for (Publish publish : batch) {
                if (failure == null) {
                    publish.done().complete(null);
                } else {
                    publish.done().completeExceptionally(failure);
                }
            }
            List<Publish> next = next();
            if (next != null) {
                send(next);
            }
        });
    }

    private void sendNow(List<String> payloads, Send outcome) {
        try {
            send.apply(payloads).whenComplete((ignored, failure) -> {
                if (failure == null) {
                    outcome.complete(null);
                } else {
                    outcome.completeExceptionally(failure);
                }
            });
        } catch (RuntimeException e) {
            outcome.completeExceptionally(e);
        }
    }

    /**
     * Fails the send in flight, and so its publishes, if it started at least {@code limitNanos} before
     * {@code nowNanos}: Redis did not answer in time. It may still execute the publishes later (they
     * are never sent again). The publishes waiting behind it go in the next send.
     */
    void expire(long nowNanos, long limitNanos) {
        Send inFlight = latest;
        if (inFlight != null && !inFlight.isDone() && nowNanos - inFlight.startedNanos >= limitNanos) {
            inFlight.completeExceptionally(new TimeoutException("Redis did not answer within "
                    + TimeUnit.NANOSECONDS.toMillis(limitNanos) + " ms"));
        }
    }

    /** @return the next batch, or null when nothing waits (then this publisher is retired) */
    private synchronized List<Publish> next() {
        if (waiting.isEmpty()) {
            sending = false;
            retired = true;
            idle.accept(this);
            return null;
        }
        List<Publish> batch = new ArrayList<>(Math.min(MAX_BATCH, waiting.size()));
        while (!waiting.isEmpty() && batch.size() < MAX_BATCH) {
            batch.add(waiting.poll());
        }
        return batch;
    }
}
