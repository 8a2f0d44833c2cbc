package dev.realtimekit.impl.bus.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.MessageListener;
import org.redisson.client.RedisTimeoutException;

/**
 * One topic's listener on one Redisson client: the only thing that hands the topic's events to the
 * registry, and only while it is forwarding.
 *
 * <p>Threads: created, handed over and closed by {@link RedisEventBus} inside the per-topic compute of
 * its subscription map; {@link #onMessage} runs on Redisson's threads, one message at a time per
 * channel and client. During a hand-over from an old client's subscription (the predecessor) to a new
 * one both listen, and a marker published through the new client cuts the channel's stream in two:
 * the predecessor forwards what came before it and stops at it, the successor drops what came before
 * and forwards what follows. If the successor sees its marker first, it holds what follows until the
 * predecessor has stopped (or a grace period has passed), so the registry gets every event once and
 * in order.
 *
 * <p>When Redisson gives up on adding or removing the listener with a timeout, the owner is told
 * ({@code timedOut}) and the subscriber's confirmation stays open: Redisson may be stuck rather than
 * Redis, and a new client's subscription can still take the subscriber over.
 */
final class Subscription implements MessageListener<String> {

    /** Every payload starting with this is the bus's own (a probe or a marker), never an event. */
    static final String PROBE = "\u0000realtime-kit-probe:";

    private static final long NEVER = Long.MIN_VALUE;
    /** Listens and drops events: a successor waiting for its marker. */
    private static final int WAITING = 0;
    /** Saw its marker before the predecessor stopped: keeps events in {@link #held}. */
    private static final int HOLDING = 1;
    private static final int FORWARDING = 2;
    /** Closed or superseded: never forwards again. */
    private static final int RETIRED = 3;

    final String topic;
    final RedissonClient client;
    private final RTopic channel;
    private final BiConsumer<String, String> events;
    private final Consumer<Subscription> timedOut;
    private final long requestedNanos = System.nanoTime();
    /** Redisson's listener id once it has confirmed the subscription; Redisson's own outcome, never timed out. */
    private final CompletableFuture<Integer> listenerId = new CompletableFuture<>();
    /**
     * What a subscriber waits for: Redisson's confirmation of this listener, or of the successor's
     * when one took over before Redisson confirmed this one.
     */
    private final CompletableFuture<Integer> confirmed = new CompletableFuture<>();
    private volatile boolean takenOver;
    private final AtomicInteger state;
    /** When Redisson last called this listener (entry or exit), or {@link #NEVER}. */
    private volatile long lastActivityNanos = NEVER;
    /** Whether Redisson is calling this listener right now (one call at a time per channel). */
    private volatile boolean inCall;

    /** For a successor: the marker it waits for, the subscription it takes over from, and how long it waits for it. */
    private final String marker;
    private volatile Subscription predecessor;
    private final long graceMs;
    /** For a predecessor: the successor, whose marker is where this one stops. */
    private volatile Subscription successor;
    private final List<String> held = new ArrayList<>();
    /** Completes when a successor forwards (or is closed first); complete at once for the others. */
    final CompletableFuture<Void> handedOver = new CompletableFuture<>();

    private Subscription(String topic, RedissonClient client, RTopic channel, BiConsumer<String, String> events,
            Consumer<Subscription> timedOut, int state, String marker, Subscription predecessor, long graceMs) {
        this.topic = topic;
        this.client = client;
        this.channel = channel;
        this.events = events;
        this.timedOut = timedOut;
        this.state = new AtomicInteger(state);
        this.marker = marker;
        this.predecessor = predecessor;
        this.graceMs = graceMs;
        if (state != WAITING) {
            handedOver.complete(null);
        }
    }

    /**
     * A subscription that forwards from the start; its listener is added once {@code after} completes.
     *
     * @param timedOut told, on Redisson's thread, when Redisson gives up on adding or removing this
     *     listener with a timeout
     */
    static Subscription forwarding(String topic, RedissonClient client, RTopic channel, BiConsumer<String, String> events,
            Consumer<Subscription> timedOut, CompletableFuture<?> after) {
        Subscription subscription = new Subscription(topic, client, channel, events, timedOut, FORWARDING, null, null, 0);
        subscription.addAfter(after);
        return subscription;
    }

    /**
     * A successor of {@code predecessor} on another client: it forwards the events after
     * {@code marker}, which the caller publishes once {@link #listenerId()} completes. Having seen
     * it, it waits at most {@code graceMs} for the predecessor to see it too. A predecessor Redisson
     * has not confirmed (or failed) has delivered nothing anyone waited for: it stops at once, the successor
     * forwards from the start, and the predecessor's subscriber waits for the successor instead.
     */
    static Subscription succeeding(Subscription predecessor, RedissonClient client, RTopic channel, String marker,
            long graceMs) {
        boolean unconfirmed = !predecessor.established();
        Subscription successor = new Subscription(predecessor.topic, client, channel, predecessor.events,
                predecessor.timedOut, unconfirmed ? FORWARDING : WAITING, marker, unconfirmed ? null : predecessor, graceMs);
        if (unconfirmed) {
            predecessor.takenOver = true;
            predecessor.state.set(RETIRED);
            // Asynchronously: the caller's dependents must not run inside the bus's compute.
            successor.confirmed.whenCompleteAsync((id, failure) -> complete(predecessor.confirmed, id, failure));
        } else {
            predecessor.successor = successor;
        }
        successor.addAfter(CompletableFuture.completedFuture(null));
        return successor;
    }

    private static <T> void complete(CompletableFuture<T> future, T value, Throwable failure) {
        if (failure == null) {
            future.complete(value);
        } else {
            future.completeExceptionally(failure);
        }
    }

    private void addAfter(CompletableFuture<?> after) {
        after.thenCompose(ignored -> channel.addListenerAsync(String.class, this))
                .whenComplete((id, failure) -> {
                    complete(listenerId, id, failure);
                    if (redissonTimeout(failure)) {
                        // The subscriber's own timeout ends its wait unless a new client takes over.
                        timedOut.accept(this);
                    } else if (!takenOver) {
                        complete(confirmed, id, failure);
                    }
                });
    }

    private static boolean redissonTimeout(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RedisTimeoutException;
    }

    /** @return Redisson's own outcome for this listener, never timed out */
    CompletableFuture<Integer> listenerId() {
        return listenerId;
    }

    /** @return the confirmation a subscriber waits for (see {@link #confirmed}) */
    CompletableFuture<Integer> confirmed() {
        return confirmed;
    }

    /** @return the marker a successor waits for; null for the others */
    String marker() {
        return marker;
    }

    @Override
    public void onMessage(CharSequence ignoredChannel, String payload) {
        lastActivityNanos = System.nanoTime();
        inCall = true;
        try {
            if (payload.startsWith(PROBE)) {
                onMarker(payload);
            } else {
                onEvent(payload);
            }
        } finally {
            inCall = false;
            lastActivityNanos = System.nanoTime();
        }
    }

    private void onEvent(String payload) {
        int now = state.get();
        if (now == FORWARDING) {
            events.accept(topic, payload);
        } else if (now == HOLDING) {
            synchronized (this) {
                if (state.get() == HOLDING) {
                    held.add(payload);
                    return;
                }
            }
            if (state.get() == FORWARDING) {
                events.accept(topic, payload);
            }
        }
    }

    private void onMarker(String payload) {
        Subscription next = successor;
        if (next != null && payload.equals(next.marker)) {
            retire();
        } else if (marker != null && payload.equals(marker)) {
            synchronized (this) {
                if (state.get() != WAITING) {
                    return;
                }
                Subscription previous = predecessor;
                if (previous == null || previous.retired()) {
                    forward();
                } else {
                    state.set(HOLDING);
                    // The predecessor may be deaf (the reason for the hand-over): do not hold for ever.
                    CompletableFuture.delayedExecutor(graceMs, TimeUnit.MILLISECONDS).execute(previous::retire);
                }
            }
        }
    }

    /** Stops forwarding for good; a successor holding events for this one's sake delivers them now. */
    void retire() {
        state.set(RETIRED);
        Subscription next = successor;
        if (next != null) {
            next.release();
        }
    }

    /** Stops this subscription and the one it was taking over from, if any: the topic was left or superseded. */
    void close() {
        retire();
        Subscription previous = predecessor;
        if (previous != null) {
            previous.state.set(RETIRED);
        }
        handedOver.complete(null);
    }

    /** The predecessor stopped: deliver what was held, then forward directly. */
    private void release() {
        synchronized (this) {
            if (state.get() == HOLDING) {
                forward();
            }
        }
    }

    /** Called holding this subscription's lock. */
    private void forward() {
        held.forEach(payload -> events.accept(topic, payload));
        held.clear();
        state.set(FORWARDING);
        handedOver.complete(null);
    }

    /**
     * Ends a hand-over that did not finish by itself (the marker was not published or not received):
     * the predecessor stops and this one forwards, which may lose or repeat the events in flight but
     * never leaves the topic deaf or doubled.
     */
    void forceHandOver() {
        Subscription previous = predecessor;
        if (previous != null) {
            previous.retire();
        }
        synchronized (this) {
            if (state.get() == WAITING || state.get() == HOLDING) {
                forward();
            }
        }
    }

    /** Drops the reference to the predecessor once its client is shut down, so that it can be collected. */
    void forgetPredecessor() {
        predecessor = null;
    }

    boolean retired() {
        return state.get() == RETIRED;
    }

    /** @return whether this subscription hands events to the registry (not in a hand-over, not closed) */
    boolean isForwarding() {
        return state.get() == FORWARDING;
    }

    boolean established() {
        return listenerId.isDone() && !listenerId.isCompletedExceptionally();
    }

    /** @return whether Redisson failed it, or has not confirmed it for longer than it may take */
    boolean stuck(long subscribeTimeoutMs) {
        return listenerId.isCompletedExceptionally() || (!listenerId.isDone()
                && System.nanoTime() - requestedNanos > TimeUnit.MILLISECONDS.toNanos(subscribeTimeoutMs));
    }

    /**
     * @return whether Redisson is calling this listener now, or called it (with an event or a probe)
     *         at or after {@code nanos}
     */
    boolean activeSince(long nanos) {
        long last = lastActivityNanos;
        return inCall || (last != NEVER && last - nanos >= 0);
    }

    /**
     * Removes the listener (and a predecessor's, if its client still runs) once Redisson has it; a
     * subscription that never succeeded leaves nothing to remove. The last listener of a channel
     * removed makes Redisson unsubscribe it.
     */
    CompletableFuture<Void> remove() {
        CompletableFuture<Void> mine = listenerId.handle((id, failure) -> id)
                .thenCompose(id -> id == null || client.isShutdown()
                        ? CompletableFuture.completedFuture(null)
                        : channel.removeListenerAsync(id).toCompletableFuture().whenComplete((ignored, failure) -> {
                            if (redissonTimeout(failure)) {
                                timedOut.accept(this); // the channel stays subscribed until a new client replaces this one
                            }
                        }));
        Subscription previous = predecessor;
        // The predecessor's client is being shut down: failing to remove its listener there is no failure.
        return previous == null ? mine : CompletableFuture.allOf(mine, previous.remove().exceptionally(failure -> null));
    }
}
