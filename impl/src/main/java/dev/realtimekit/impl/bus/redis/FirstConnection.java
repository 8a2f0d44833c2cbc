package dev.realtimekit.impl.bus.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

import org.redisson.api.RedissonClient;

/**
 * Makes the bus's first connection to Redis on a thread of its own and opens a gate once it is made.
 *
 * <p>The kit lets Redisson connect lazily, so that an application starts while Redis is down. But
 * Redisson makes that first connection on the thread of the first command, and every other caller
 * meanwhile waits for it: a publish or a subscription made before it (a handler's thread, the
 * container's thread opening a WebSocket) blocked for up to Redisson's connect timeout times its
 * attempts (4,955 ms seen with Redis frozen), and again for each call while Redis stayed down.
 * Until the gate opens the bus hands Redisson nothing from its callers' threads: publishes wait in
 * their topic's {@link TopicPublisher} (and fail at their deadline), subscriptions add their listener
 * when it opens. It opens once and stays open; later outages are Redisson's reconnects, which do not
 * block callers. It fails only when the bus closes before Redis was reached.
 *
 * <p>Thread-safe. Every try runs on this class's thread. The gate's dependents registered before it
 * opens run on that thread too, or on a thread that waits for the gate at that moment (as
 * {@link CompletableFuture} lets a waiting thread help); none of the bus's callers waits for it.
 */
final class FirstConnection {

    private final CompletableFuture<Void> open = new CompletableFuture<>();
    private final Supplier<RedissonClient> client;
    private final Function<RedissonClient, CompletionStage<?>> probe;
    private final long probeTimeoutMs;
    private final long pauseMs;
    private final BooleanSupplier closing;

    /**
     * @param client the bus's client of the moment (asked again for each try)
     * @param probe a command whose answer proves the client connected
     * @param probeTimeoutMs how long one answer may take
     * @param pauseMs the pause between tries (Redisson's own connect attempts pause too)
     * @param closing whether the bus is closing: then the tries stop and the gate fails
     */
    FirstConnection(Supplier<RedissonClient> client, Function<RedissonClient, CompletionStage<?>> probe,
            long probeTimeoutMs, long pauseMs, BooleanSupplier closing) {
        this.client = client;
        this.probe = probe;
        this.probeTimeoutMs = probeTimeoutMs;
        this.pauseMs = pauseMs;
        this.closing = closing;
    }

    /** Starts trying on a daemon thread of its own. */
    void start() {
        Thread connector = new Thread(this::connect, "realtime-kit-redis-first-connection");
        connector.setDaemon(true);
        connector.start();
    }

    /** @return completes when the first connection was made; fails if the bus closed before */
    CompletableFuture<Void> opened() {
        return open;
    }

    private void connect() {
        while (!closing.getAsBoolean()) {
            try {
                probe.apply(client.get()).toCompletableFuture().get(probeTimeoutMs, TimeUnit.MILLISECONDS);
                open.complete(null);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception e) {
                // Redis is not there yet (refused, frozen, or the client was shut down): try again.
                // Outages are logged by the bus's health, not per try.
            }
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        open.completeExceptionally(new IllegalStateException("the Redis bus closed before it reached Redis"));
    }
}
