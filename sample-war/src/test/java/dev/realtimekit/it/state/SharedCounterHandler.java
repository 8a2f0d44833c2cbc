package dev.realtimekit.it.state;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.redisson.api.RedissonClient;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.RealtimeRedis;

/**
 * A counter per topic kept in Redis through the kit's own client, as the README advises: whichever
 * node runs the handler, every node reads and adds to the same value.
 */
@ApplicationScoped
public class SharedCounterHandler implements MessageHandler<Count, Count, String> {

    @Inject
    @RealtimeRedis
    RedissonClient redis;

    @Override
    public CompletionStage<Optional<Count>> handleDirectMessage(Count message, ConnectionContext<String> ctx) {
        if (!"get".equals(message.text())) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return redis.getAtomicLong(key(ctx)).getAsync().thenApply(value -> Optional.of(new Count("count=" + value)));
    }

    @Override
    public CompletionStage<Optional<Count>> handleBroadcastMessage(Count message, ConnectionContext<String> ctx) {
        if (!"increment".equals(message.text())) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return redis.getAtomicLong(key(ctx)).incrementAndGetAsync().thenApply(value -> Optional.of(new Count("count=" + value)));
    }

    private static String key(ConnectionContext<String> ctx) {
        return "it-shared-counter:" + ctx.topic();
    }
}
