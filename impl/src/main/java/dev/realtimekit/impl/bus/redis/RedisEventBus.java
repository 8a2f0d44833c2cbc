package dev.realtimekit.impl.bus.redis;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.redisson.Redisson;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.MessageListener;
import org.redisson.api.options.PlainOptions;
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

    /** The client in use; replaced (see {@link #replaceClient}) when Redisson cannot restore a subscription. */
    private volatile RedissonClient redisson;
    private final Config baseConfig;
    private final java.util.concurrent.atomic.AtomicInteger generation = new java.util.concurrent.atomic.AtomicInteger();
    private final String prefix;
    private final boolean sharded;
    private final long publishTimeoutMs;
    private final long subscribeTimeoutMs;
    private final String description;
    /** This node's subscriptions, by topic; the registry alternates subscribe and unsubscribe per topic. */
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final SubscriptionCheck check;
    private volatile boolean closing;
    private volatile Listener listener = (topic, payload) -> {
    };

    private RedisEventBus(Config redissonConfig, RealtimeConfig config, String description) {
        this.prefix = config.redisChannelPrefix();
        this.sharded = config.redisSharded();
        this.publishTimeoutMs = config.redisPublishTimeoutMs();
        this.subscribeTimeoutMs = config.redisSubscribeTimeoutMs();
        this.description = description + (sharded ? " (sharded pub/sub)" : "") + ", channels " + prefix + "<topic>";
        this.check = new SubscriptionCheck(config.redisSubscriptionCheckIntervalMs());
        // Connect lazily: the application starts while Redis is down and joins it when it comes up.
        redissonConfig.setLazyInitialization(true);
        // Come back soon after Redis returns (by default within about two seconds), however long it was away.
        Duration maxDelay = Duration.ofMillis(config.redisReconnectMaxDelayMs());
        SafeReconnectionDelay.install(redissonConfig,
                new SafeReconnectionDelay(Duration.ofMillis(Math.min(100, maxDelay.toMillis())), maxDelay));
        this.baseConfig = redissonConfig;
        this.redisson = newClient();
    }

    /** A Redisson client of its own configuration copy, whose connection events count only while it is current. */
    private RedissonClient newClient() {
        Config copy = new Config(baseConfig);
        copy.setConnectionListener(new Health(generation.incrementAndGet()));
        return Redisson.create(copy);
    }

    /** A topic's listener, the client it is registered with, and when it was asked for. */
    private record Subscription(RedissonClient client, CompletableFuture<Integer> listenerId, long requestedNanos) {
        Subscription(RedissonClient client, CompletableFuture<Integer> listenerId) {
            this(client, listenerId, System.nanoTime());
        }

        boolean established() {
            return listenerId.isDone() && !listenerId.isCompletedExceptionally();
        }

        /** @return whether Redisson failed it, or has not confirmed it for longer than it may take */
        boolean stuck(long subscribeTimeoutMs) {
            return listenerId.isCompletedExceptionally() || (!listenerId.isDone()
                    && System.nanoTime() - requestedNanos > TimeUnit.MILLISECONDS.toNanos(subscribeTimeoutMs));
        }
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
        check.schedulePeriodic();
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        Subscription subscription = addListener(redisson, topic);
        Subscription previous = subscriptions.put(topic, subscription);
        if (previous != null) {
            // The registry never subscribes twice without unsubscribing; if it ever did, a second
            // listener would deliver every event twice.
            removeListener(topic, previous);
        }
        // Time out a copy: Redisson's own future must still complete, so that a subscription that
        // succeeds after the timeout is found and removed by unsubscribe.
        return subscription.listenerId().copy().orTimeout(subscribeTimeoutMs, TimeUnit.MILLISECONDS)
                .thenApply(ignored -> (Void) null)
                .whenComplete((ignored, failure) -> health(failure));
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        Subscription subscription = subscriptions.remove(topic);
        return subscription == null ? CompletableFuture.completedFuture(null) : removeListener(topic, subscription);
    }

    private Subscription addListener(RedissonClient client, String topic) {
        MessageListener<String> channelListener = (channel, payload) -> {
            if (payload.startsWith(SubscriptionCheck.PROBE)) {
                check.probeReceived(topic, payload);
            } else {
                listener.onEvent(topic, payload);
            }
        };
        return new Subscription(client,
                channel(client, topic).addListenerAsync(String.class, channelListener).toCompletableFuture());
    }

    /**
     * Subscribes a topic anew because its subscription stopped delivering: the old listener is removed
     * first (so Redisson really unsubscribes the channel), then a new one is added.
     */
    private void resubscribe(String topic) {
        subscriptions.computeIfPresent(topic, (name, old) -> {
            // An old subscription Redisson never confirmed may never complete: do not wait for it forever.
            CompletableFuture<Integer> id = removeListener(name, old).orTimeout(subscribeTimeoutMs, TimeUnit.MILLISECONDS)
                    .handle((ignored, failure) -> null)
                    .thenCompose(ignored -> addListener(old.client(), name).listenerId());
            return new Subscription(old.client(), id);
        });
    }

    /**
     * Replaces the Redisson client and subscribes every topic with the new one. The last resort when
     * subscribing anew did not help: Redisson can keep a channel's internal subscription state broken
     * after an outage (its issue 4294), and only a fresh client recovers from that.
     */
    private synchronized void replaceClient() {
        RedissonClient old = redisson;
        RedissonClient fresh = newClient();
        redisson = fresh;
        for (String topic : List.copyOf(subscriptions.keySet())) {
            subscriptions.computeIfPresent(topic, (name, subscription) -> addListener(fresh, name));
        }
        CompletableFuture.runAsync(() -> old.shutdown(0, 2, TimeUnit.SECONDS));
    }

    /** Removes the listener once Redisson has it; a subscription that never succeeded leaves nothing to remove. */
    private CompletableFuture<Void> removeListener(String topic, Subscription subscription) {
        return subscription.listenerId().handle((listenerId, failure) -> listenerId)
                .thenCompose(listenerId -> listenerId == null || subscription.client().isShutdown()
                        ? CompletableFuture.completedFuture(null)
                        : channel(subscription.client(), topic).removeListenerAsync(listenerId).toCompletableFuture());
    }

    @Override
    public CompletionStage<Void> publish(String topic, String payload) {
        // A publish that times out here may still reach Redis later: the sender is told it failed,
        // subscribers may get it anyway (at most once, never twice: see publishChannel).
        return publishChannel(topic).publishAsync(payload).toCompletableFuture().copy()
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
        check.stop();
        listener = (topic, payload) -> {
        };
        redisson.shutdown(0, 2, TimeUnit.SECONDS);
    }

    /**
     * Checks now that every subscribed topic still receives its events, and subscribes anew those that
     * do not.
     *
     * @return a stage with the number of topics that had to be subscribed anew
     */
    public CompletionStage<Integer> checkSubscriptions() {
        return check.run();
    }

    /** Test hook: makes Redisson forget a channel behind this bus's back, as its resubscription sometimes does. */
    void loseSubscriptionForTests(String topic) {
        channel(topic).removeAllListeners();
    }

    private RTopic channel(String topic) {
        return channel(redisson, topic);
    }

    /**
     * The channel to publish to: never retried by Redisson, whatever the configuration says (a YAML
     * file's {@code retryAttempts} included). A PUBLISH whose answer timed out may already be queued in
     * a stalled Redis; sending it again delivers the event twice once Redis runs again, while the
     * sender was told it failed. Its Redisson timeout is the publish timeout, so Redisson gives the
     * connection back when the sender is told. Other commands (subscribing among them) keep the
     * configured retries: a repeated SUBSCRIBE is harmless.
     */
    private RTopic publishChannel(String topic) {
        PlainOptions options = PlainOptions.name(prefix + topic).codec(StringCodec.INSTANCE)
                .retryAttempts(0).timeout(Duration.ofMillis(publishTimeoutMs));
        return sharded ? redisson.getShardedTopic(options) : redisson.getTopic(options);
    }

    private RTopic channel(RedissonClient client, String topic) {
        String name = prefix + topic;
        return sharded ? client.getShardedTopic(name, StringCodec.INSTANCE) : client.getTopic(name, StringCodec.INSTANCE);
    }

    private void health(Throwable failure) {
        if (closing) {
            return;
        }
        if (failure == null) {
            if (reachable.compareAndSet(false, true)) {
                Messages.redisRecovered(description);
                check.afterRecovery();
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
     * Proves that this node's subscriptions deliver: it publishes a probe, which only this node
     * recognises and no client ever sees, to each subscribed channel, and subscribes anew every topic
     * whose probe does not come back. Redisson normally restores subscriptions after a reconnect, but
     * not always promptly (a channel that was being unsubscribed and subscribed again around an outage
     * stayed deaf for more than ten seconds in tests), and a node that is connected but deaf loses
     * every event silently. Runs a moment after every recovery and every
     * {@code realtime.redis.subscription-check-interval-ms}.
     */
    private final class SubscriptionCheck {
        static final String PROBE = "\u0000realtime-kit-probe:";
        private static final long RECOVERY_DELAY_MS = 2_000;

        private final long intervalMs;
        private final String probePrefix = PROBE + java.util.UUID.randomUUID() + ":";
        private final java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.Set<String> unconfirmed = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile String expected = "";
        /** Topics subscribed anew and not yet proven to deliver since; only touched by the running check. */
        private final java.util.Set<String> repaired = new java.util.HashSet<>();

        SubscriptionCheck(long intervalMs) {
            this.intervalMs = intervalMs;
        }

        void schedulePeriodic() {
            if (intervalMs > 0 && !closing) {
                later(intervalMs, () -> run().whenComplete((repaired, failure) -> schedulePeriodic()));
            }
        }

        void afterRecovery() {
            later(RECOVERY_DELAY_MS, this::run);
        }

        void stop() {
            unconfirmed.clear();
        }

        void probeReceived(String topic, String payload) {
            if (payload.equals(expected)) {
                unconfirmed.remove(topic);
            }
        }

        CompletionStage<Integer> run() {
            if (closing || !running.compareAndSet(false, true)) {
                return CompletableFuture.completedFuture(0);
            }
            String probe = probePrefix + rounds.incrementAndGet();
            expected = probe;
            List<String> topics = subscriptions.entrySet().stream()
                    .filter(entry -> entry.getValue().established())
                    .map(java.util.Map.Entry::getKey).toList();
            // Subscriptions Redisson never confirmed (or failed) are deaf too, without a probe.
            List<String> stuck = subscriptions.entrySet().stream()
                    .filter(entry -> entry.getValue().stuck(subscribeTimeoutMs))
                    .map(java.util.Map.Entry::getKey).toList();
            unconfirmed.clear();
            unconfirmed.addAll(topics);
            unconfirmed.addAll(stuck);
            List<String> checked = new java.util.ArrayList<>(topics);
            checked.addAll(stuck);
            CompletableFuture<?>[] sent = topics.stream()
                    .map(topic -> publishChannel(topic).publishAsync(probe).toCompletableFuture().copy()
                            .orTimeout(publishTimeoutMs, TimeUnit.MILLISECONDS))
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(sent)
                    // Probes that reached Redis come back within a publish timeout, or never.
                    .thenCompose(ignored -> delay(publishTimeoutMs))
                    .thenApply(ignored -> repair(checked))
                    .whenComplete((repaired, failure) -> running.set(false))
                    // A publish that failed means Redis is away: the recovery will check again.
                    .exceptionally(failure -> 0);
        }

        /**
         * Subscribes deaf topics anew; when a topic that was already subscribed anew is deaf again,
         * Redisson itself is stuck and the client is replaced. Either way a follow-up check comes once
         * the new subscriptions have had time to be confirmed or count as stuck.
         */
        private int repair(List<String> checked) {
            List<String> deaf = checked.stream().filter(unconfirmed::contains).filter(subscriptions::containsKey).toList();
            checked.stream().filter(topic -> !deaf.contains(topic)).forEach(repaired::remove);
            if (deaf.isEmpty() || closing) {
                return 0;
            }
            if (deaf.stream().anyMatch(repaired::contains)) {
                Messages.redisClientReplaced(description, deaf);
                repaired.clear();
                replaceClient();
            } else {
                Messages.deafSubscriptions(description, deaf);
                repaired.addAll(deaf);
                deaf.forEach(RedisEventBus.this::resubscribe);
            }
            later(subscribeTimeoutMs + publishTimeoutMs + 1_000, this::run);
            return deaf.size();
        }

        private CompletableFuture<Void> delay(long ms) {
            return CompletableFuture.runAsync(() -> {
            }, CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
        }

        private void later(long ms, Runnable task) {
            CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS).execute(() -> {
                if (!closing) {
                    task.run();
                }
            });
        }
    }

    /**
     * Turns Redisson's per-connection events into one outage and one recovery message: a lost
     * connection marks Redis unreachable; a new connection is only a hint, confirmed by a command
     * that succeeds (Redisson reconnects its many connections one at a time).
     */
    private final class Health implements ConnectionListener {
        private final int clientGeneration;

        Health(int clientGeneration) {
            this.clientGeneration = clientGeneration;
        }

        private boolean current() {
            return clientGeneration == generation.get() && !closing;
        }

        @Override
        public void onConnect(java.net.InetSocketAddress address) {
            RedissonClient client = redisson; // null while the first Redisson.create is still running
            if (client != null && !reachable.get() && current()) {
                client.getBucket(prefix + "health-check", StringCodec.INSTANCE).isExistsAsync()
                        .whenComplete((exists, failure) -> health(failure));
            }
        }

        @Override
        public void onDisconnect(java.net.InetSocketAddress address) {
            if (current()) {
                health(new IOException("connection to " + address + " lost"));
            }
        }
    }
}
