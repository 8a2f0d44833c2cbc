package dev.realtimekit.impl.bus.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.redisson.api.RedissonClient;
import org.redisson.client.RedisResponseTimeoutException;
import org.redisson.client.codec.StringCodec;
import org.redisson.connection.ConnectionListener;

import dev.realtimekit.impl.i18n.Messages;

/**
 * Turns command outcomes and Redisson's per-connection events into one outage and one recovery
 * message. A command that succeeds marks Redis reachable. A failed command, a lost connection and a
 * new one are only hints, each confirmed by asking Redis (a read, which Redisson retries on another
 * connection): one connection can fail while Redis answers on the others (a connection Redis closed
 * in a restart and Redisson has not noticed yet, {@code CLIENT KILL}, Redis closing an idle client),
 * and calling that an outage would take the node out of its load balancer and count an outage that
 * never was.
 *
 * <p>Threads: {@link #record} runs on whichever thread completes a command; confirmations complete on
 * Redisson's threads. The outage and the recovery are each reported by exactly one of them, and at
 * most one confirmation of a failure is asked at a time.
 */
final class RedisHealth {

    /** Lost connections that were no outage are logged at most this often (a CLIENT KILL closes many). */
    private static final long CONNECTION_LOSS_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private static final long NOT_SILENT = Long.MIN_VALUE;

    private final AtomicBoolean reachable = new AtomicBoolean(true);
    /**
     * When the current outage began, if it was confirmed by a question Redis left unanswered on an
     * open connection (rather than by a refused or closed one); {@link #NOT_SILENT} otherwise.
     */
    private volatile long silentSinceNanos = NOT_SILENT;
    private final AtomicBoolean confirming = new AtomicBoolean();
    private final AtomicLong connectionLossLogged = new AtomicLong(System.nanoTime() - CONNECTION_LOSS_LOG_INTERVAL_NANOS);
    private final String description;
    private final BooleanSupplier closing;
    private final Supplier<RedissonClient> client;
    private final String healthKey;
    private final Runnable onRecovery;
    private final Runnable onOutage;
    private final Runnable onConnectionLost;

    /**
     * @param client the bus's current client (null while the first one is being created)
     * @param healthKey a key whose existence is asked to confirm what a hint suggests
     * @param onRecovery runs once after each recovery, on the thread that noticed it
     * @param onOutage runs once at the start of each outage, on the thread that noticed it
     * @param onConnectionLost runs when a lost connection turned out not to be an outage (Redisson
     *        restores what the connection carried, subscriptions included), on the thread that confirmed it
     */
    RedisHealth(String description, BooleanSupplier closing, Supplier<RedissonClient> client, String healthKey,
            Runnable onRecovery, Runnable onOutage, Runnable onConnectionLost) {
        this.description = description;
        this.closing = closing;
        this.client = client;
        this.healthKey = healthKey;
        this.onRecovery = onRecovery;
        this.onOutage = onOutage;
        this.onConnectionLost = onConnectionLost;
    }

    /** @return whether Redis answers, as far as the last confirmed outcome says */
    boolean reachable() {
        return reachable.get();
    }

    /**
     * Records a command's outcome: {@code null} for success. A failure while Redis counts as reachable
     * is confirmed by asking Redis first.
     *
     * @return a stage that completes once the outcome has been taken into account (for tests)
     */
    CompletionStage<Void> record(Throwable failure) {
        if (closing.getAsBoolean()) {
            return DONE;
        }
        if (failure == null) {
            recovered();
            return DONE;
        }
        if (!reachable.get() || !confirming.compareAndSet(false, true)) {
            return DONE; // an outage already, or a confirmation under way decides
        }
        RedissonClient now = client.get();
        if (now == null) {
            confirming.set(false);
            outage(failure);
            return DONE;
        }
        return ask(now).handle((exists, askFailed) -> {
            confirming.set(false);
            if (askFailed != null) {
                outage(failure, unanswered(askFailed));
            }
            return null;
        });
    }

    /** Redis is taken for unreachable without asking (a test's premise, or an outage already confirmed). */
    void outage(Throwable failure) {
        outage(failure, false);
    }

    /** @param silent whether Redis left the confirming question unanswered on an open connection */
    private void outage(Throwable failure, boolean silent) {
        if (!closing.getAsBoolean() && reachable.compareAndSet(true, false)) {
            silentSinceNanos = silent ? System.nanoTime() : NOT_SILENT;
            Messages.redisUnreachable(description, failure);
            onOutage.run();
        }
    }

    /**
     * @return how long the current outage has lasted, if Redis left the question that confirmed it
     *     unanswered on an open connection (a stalled Redis, or a connection whose host or network path
     *     vanished without closing it); 0 when Redis is reachable or the outage was confirmed otherwise
     */
    long silentForMillis() {
        long since = silentSinceNanos;
        return reachable.get() || since == NOT_SILENT ? 0 : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }

    private static boolean unanswered(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof RedisResponseTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void recovered() {
        if (reachable.compareAndSet(false, true)) {
            silentSinceNanos = NOT_SILENT;
            Messages.redisRecovered(description);
            onRecovery.run();
        }
    }

    /** @return the answer to a question to Redis on {@code now} (whether the health key exists); fails when none comes */
    CompletionStage<Boolean> ask(RedissonClient now) {
        return now.getBucket(healthKey, StringCodec.INSTANCE).isExistsAsync();
    }

    /** @param current whether the client this listener belongs to is still the bus's client */
    ConnectionListener connectionListener(BooleanSupplier current) {
        return new ConnectionListener() {
            @Override
            public void onConnect(InetSocketAddress address) {
                RedissonClient now = client.get();
                if (now != null && !reachable.get() && current.getAsBoolean() && !closing.getAsBoolean()) {
                    ask(now).whenComplete((exists, failure) -> {
                        if (failure == null) {
                            recovered();
                        }
                    });
                }
            }

            @Override
            public void onDisconnect(InetSocketAddress address) {
                if (!current.getAsBoolean() || closing.getAsBoolean()) {
                    return;
                }
                RedissonClient now = client.get();
                if (now == null) {
                    outage(new IOException("connection to " + address + " lost"));
                    return;
                }
                boolean wasReachable = reachable.get();
                ask(now).whenComplete((exists, failure) -> {
                    if (failure != null) {
                        outage(new IOException("connection to " + address + " lost", failure), unanswered(failure));
                        return;
                    }
                    recovered();
                    if (wasReachable && current.getAsBoolean()) {
                        logConnectionLoss(address);
                        onConnectionLost.run();
                    }
                });
            }
        };
    }

    private void logConnectionLoss(InetSocketAddress address) {
        long last = connectionLossLogged.get();
        long now = System.nanoTime();
        if (now - last >= CONNECTION_LOSS_LOG_INTERVAL_NANOS && connectionLossLogged.compareAndSet(last, now)) {
            Messages.redisConnectionLost(description, String.valueOf(address));
        }
    }
}
