package dev.realtimekit.examples.counter;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.redisson.api.RedissonClient;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.RealtimeRedis;

/**
 * A live counter per topic: {@code increment} adds one and broadcasts the new value to every
 * subscriber of the topic, the sender included; {@code get} answers the value to the sender only; a
 * client that connects is sent the value at once.
 *
 * <p><b>Where the counters live.</b> This handler runs only on the node of the client that sent
 * {@code increment}, so a counter kept in the handler's memory is right on one node only: with two
 * nodes, each would count the increments of its own clients and the values would diverge (node 1
 * says 3 while node 2 says 10). When the kit uses Redis ({@code realtime.redis.address}, as on the
 * nodes {@code cluster.sh} starts), the counters are therefore kept in Redis, through the kit's own
 * client ({@code @RealtimeRedis RedissonClient}), and every node agrees; without Redis, on one node,
 * they are kept in memory (the README's "State across nodes"). Either way they are never removed: a
 * real application bounds its topics with a {@code TopicAuthorizer}.
 *
 * <p>Handler methods for different connections run concurrently, so two increments of one counter
 * may be broadcast in the other order (3 arrives before 2). Values only grow: a dashboard shows the
 * largest it has seen.
 */
@ApplicationScoped
public class CounterHandler implements MessageHandler<CounterMessage, CounterEvent, String> {

    /**
     * A bean only when the kit uses Redis; obtained anew for each use, as the kit may replace its
     * client. Null when the handler is built without CDI (CounterHandlerTest): no Redis then.
     */
    @Inject
    @RealtimeRedis
    Instance<RedissonClient> redis;

    /** Without Redis: this node's counters. */
    private final ConcurrentMap<String, AtomicLong> local = new ConcurrentHashMap<>();

    private boolean shared() {
        return redis != null && redis.isResolvable();
    }

    private CompletionStage<Long> value(String topic) {
        if (shared()) {
            return redis.get().getAtomicLong(key(topic)).getAsync();
        }
        return CompletableFuture.completedFuture(local(topic).get());
    }

    private CompletionStage<Long> increment(String topic) {
        if (shared()) {
            return redis.get().getAtomicLong(key(topic)).incrementAndGetAsync();
        }
        return CompletableFuture.completedFuture(local(topic).incrementAndGet());
    }

    private static String key(String topic) {
        return "counter:" + topic;
    }

    private AtomicLong local(String topic) {
        return local.computeIfAbsent(topic, t -> new AtomicLong());
    }

    @Override
    public CompletionStage<Void> onConnect(ConnectionContext<String> ctx) {
        // The connection is already subscribed: any increment after this read reaches it as a broadcast.
        return value(ctx.topic()).thenCompose(value -> ctx.send(new CounterEvent.Count(ctx.topic(), value)));
    }

    @Override
    public CompletionStage<Optional<CounterEvent>> handleDirectMessage(CounterMessage message,
            ConnectionContext<String> ctx) {
        if (!(message instanceof CounterMessage.Get)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return value(ctx.topic()).thenApply(value -> Optional.of(new CounterEvent.Count(ctx.topic(), value)));
    }

    @Override
    public CompletionStage<Optional<CounterEvent>> handleBroadcastMessage(CounterMessage message,
            ConnectionContext<String> ctx) {
        if (!(message instanceof CounterMessage.Increment)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return increment(ctx.topic()).thenApply(value -> Optional.of(new CounterEvent.Count(ctx.topic(), value)));
    }
}
