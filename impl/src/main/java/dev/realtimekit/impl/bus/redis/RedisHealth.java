package dev.realtimekit.impl.bus.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.connection.ConnectionListener;

import dev.realtimekit.impl.i18n.Messages;

/**
 * Turns command outcomes and Redisson's per-connection events into one outage and one recovery
 * message: a failed command or a lost connection marks Redis unreachable; a new connection is only a
 * hint, confirmed by a command that succeeds (Redisson reconnects its many connections one at a time).
 *
 * <p>Threads: {@link #record} runs on whichever thread completes a command; the outage and the
 * recovery are each reported by exactly one of them.
 */
final class RedisHealth {

    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final String description;
    private final BooleanSupplier closing;
    private final Runnable onRecovery;

    /** @param onRecovery runs once after each recovery, on the thread that noticed it */
    RedisHealth(String description, BooleanSupplier closing, Runnable onRecovery) {
        this.description = description;
        this.closing = closing;
        this.onRecovery = onRecovery;
    }

    /** @return whether the last command outcome or connection event said Redis answers */
    boolean reachable() {
        return reachable.get();
    }

    /** Records a command's outcome: {@code null} for success. */
    void record(Throwable failure) {
        if (closing.getAsBoolean()) {
            return;
        }
        if (failure == null) {
            if (reachable.compareAndSet(false, true)) {
                Messages.redisRecovered(description);
                onRecovery.run();
            }
        } else if (reachable.compareAndSet(true, false)) {
            Messages.redisUnreachable(description, failure);
        }
    }

    /**
     * @param current whether the client this listener belongs to is still the bus's client
     * @param client the bus's client (null while the first one is being created)
     * @param healthKey a key whose existence is asked to confirm a new connection
     */
    ConnectionListener connectionListener(BooleanSupplier current, Supplier<RedissonClient> client, String healthKey) {
        return new ConnectionListener() {
            @Override
            public void onConnect(InetSocketAddress address) {
                RedissonClient now = client.get();
                if (now != null && !reachable.get() && current.getAsBoolean()) {
                    now.getBucket(healthKey, StringCodec.INSTANCE).isExistsAsync()
                            .whenComplete((exists, failure) -> record(failure));
                }
            }

            @Override
            public void onDisconnect(InetSocketAddress address) {
                if (current.getAsBoolean()) {
                    record(new IOException("connection to " + address + " lost"));
                }
            }
        };
    }
}
