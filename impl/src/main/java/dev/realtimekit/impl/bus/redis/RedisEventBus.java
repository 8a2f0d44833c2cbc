package dev.realtimekit.impl.bus.redis;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.redisson.Redisson;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.MessageListener;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;
import org.redisson.connection.ConnectionListener;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.i18n.Messages;

/**
 * The cluster bus: Redis pub/sub through Redisson. Each topic with local subscribers is one channel
 * ({@code realtime.redis.channel-prefix} + topic) subscribed by this node; events travel as the JSON
 * text the handler's event was serialized to ({@link StringCodec}), published once and handed
 * unchanged to the registry by the channel's listener.
 *
 * <p>Redis delivers a channel's messages to every subscriber in the order it executed the publishes,
 * and Redisson calls a channel's listener in that order, so all nodes see a topic's events in the same
 * order. Redisson restores subscriptions after a reconnect by itself; this class logs the outage and
 * the recovery once each, and bounds every publish by {@code realtime.redis.publish-timeout-ms} so a
 * slow or absent Redis costs a sender at most that long.
 */
public final class RedisEventBus implements EventBus {

    private volatile RedissonClient redisson;
    private final String prefix;
    private final boolean sharded;
    private final long publishTimeoutMs;
    private final long subscribeTimeoutMs;
    private final String description;
    /** Listener ids of this node's subscriptions, by topic; the registry alternates subscribe and unsubscribe per topic. */
    private final ConcurrentHashMap<String, CompletableFuture<Integer>> subscriptions = new ConcurrentHashMap<>();
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private volatile boolean closing;
    private volatile Listener listener = (topic, payload) -> {
    };

    private RedisEventBus(Config redissonConfig, RealtimeConfig config, String description) {
        this.prefix = config.redisChannelPrefix();
        this.sharded = config.redisSharded();
        this.publishTimeoutMs = config.redisPublishTimeoutMs();
        this.subscribeTimeoutMs = config.redisSubscribeTimeoutMs();
        this.description = description + (sharded ? " (sharded pub/sub)" : "") + ", channels " + prefix + "<topic>";
        // Connect lazily: the application starts while Redis is down and joins it when it comes up.
        redissonConfig.setLazyInitialization(true);
        // Come back soon after Redis returns (by default within about two seconds), however long it was away.
        Duration maxDelay = Duration.ofMillis(config.redisReconnectMaxDelayMs());
        SafeReconnectionDelay.install(redissonConfig,
                new SafeReconnectionDelay(Duration.ofMillis(Math.min(100, maxDelay.toMillis())), maxDelay));
        redissonConfig.setConnectionListener(new Health());
        this.redisson = Redisson.create(redissonConfig);
    }

    /** Creates the bus from {@code realtime.redis.address} or {@code realtime.redis.config}. */
    public static RedisEventBus create(RealtimeConfig config) {
        if (config.redisConfigFile().isPresent()) {
            String file = config.redisConfigFile().get();
            return new RedisEventBus(readYaml(file), config, "Redis (Redisson config " + file + ")");
        }
        String address = config.redisAddress().orElseThrow();
        Config redissonConfig = new Config();
        redissonConfig.useSingleServer()
                .setAddress(address)
                .setSubscriptionsPerConnection(config.redisSubscriptionsPerConnection())
                .setSubscriptionConnectionPoolSize(config.redisSubscriptionConnectionPoolSize())
                .setSubscriptionConnectionMinimumIdleSize(1)
                .setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(16)
                .setTimeout((int) Math.min(Integer.MAX_VALUE, config.redisPublishTimeoutMs()))
                .setSubscriptionTimeout((int) Math.min(Integer.MAX_VALUE, config.redisSubscribeTimeoutMs()))
                .setRetryAttempts(1)
                .setRetryInterval(200)
                .setPingConnectionInterval(10_000);
        return new RedisEventBus(redissonConfig, config, "Redis " + withoutCredentials(address));
    }

    /**
     * Parses a Redisson YAML file without connecting.
     *
     * @throws IllegalArgumentException when the file cannot be read or parsed
     */
    public static Config readYaml(String file) {
        try {
            return Config.fromYAML(new File(file));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the Redisson configuration " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        MessageListener<String> channelListener = (channel, payload) -> listener.onEvent(topic, payload);
        CompletableFuture<Integer> id = channel(topic).addListenerAsync(String.class, channelListener).toCompletableFuture();
        CompletableFuture<Integer> previous = subscriptions.put(topic, id);
        if (previous != null) {
            // The registry never subscribes twice without unsubscribing; if it ever did, a second
            // listener would deliver every event twice.
            removeListener(topic, previous);
        }
        // Time out a copy: Redisson's own future must still complete, so that a subscription that
        // succeeds after the timeout is found and removed by unsubscribe.
        return id.copy().orTimeout(subscribeTimeoutMs, TimeUnit.MILLISECONDS).thenApply(ignored -> (Void) null)
                .whenComplete((ignored, failure) -> health(failure));
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        CompletableFuture<Integer> id = subscriptions.remove(topic);
        return id == null ? CompletableFuture.completedFuture(null) : removeListener(topic, id);
    }

    /** Removes the listener once Redisson has it; a subscription that never succeeded leaves nothing to remove. */
    private CompletableFuture<Void> removeListener(String topic, CompletableFuture<Integer> id) {
        return id.handle((listenerId, failure) -> listenerId)
                .thenCompose(listenerId -> listenerId == null ? CompletableFuture.completedFuture(null)
                        : channel(topic).removeListenerAsync(listenerId).toCompletableFuture());
    }

    @Override
    public CompletionStage<Void> publish(String topic, String payload) {
        // A publish that times out here may still reach Redis later: the sender is told it failed,
        // subscribers may get it anyway (at most once, never twice).
        return channel(topic).publishAsync(payload).toCompletableFuture().copy()
                .orTimeout(publishTimeoutMs, TimeUnit.MILLISECONDS)
                .handle((receivers, failure) -> {
                    health(failure);
                    if (failure != null) {
                        throw failure instanceof RuntimeException runtime ? runtime
                                : new java.util.concurrent.CompletionException(failure);
                    }
                    return (Void) null;
                });
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        closing = true;
        listener = (topic, payload) -> {
        };
        redisson.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /** @return the number of topics this node is subscribed to (or subscribing) */
    public int subscribedTopics() {
        return subscriptions.size();
    }

    private RTopic channel(String topic) {
        String name = prefix + topic;
        return sharded ? redisson.getShardedTopic(name, StringCodec.INSTANCE) : redisson.getTopic(name, StringCodec.INSTANCE);
    }

    private void health(Throwable failure) {
        if (closing) {
            return;
        }
        if (failure == null) {
            if (reachable.compareAndSet(false, true)) {
                Messages.redisRecovered(description);
            }
        } else if (reachable.compareAndSet(true, false)) {
            Messages.redisUnreachable(description, failure);
        }
    }

    static String withoutCredentials(String address) {
        try {
            URI uri = URI.create(address);
            if (uri.getUserInfo() == null) {
                return address;
            }
            return uri.getScheme() + "://***@" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "(unparsable address)";
        }
    }

    /**
     * Turns Redisson's per-connection events into one outage and one recovery message: a lost
     * connection marks Redis unreachable; a new connection is only a hint, confirmed by a command
     * that succeeds (Redisson reconnects its many connections one at a time).
     */
    private final class Health implements ConnectionListener {
        @Override
        public void onConnect(java.net.InetSocketAddress address) {
            RedissonClient client = redisson; // null while Redisson.create is still running
            if (client != null && !reachable.get() && !closing) {
                client.getBucket(prefix + "health-check", StringCodec.INSTANCE).isExistsAsync()
                        .whenComplete((exists, failure) -> health(failure));
            }
        }

        @Override
        public void onDisconnect(java.net.InetSocketAddress address) {
            health(new IOException("connection to " + address + " lost"));
        }
    }
}
