package dev.realtimekit.impl.bus.redis;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;

import org.redisson.Redisson;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RTopic;
import org.redisson.api.RTopicAsync;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.PlainOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.BaseConfig;
import org.redisson.config.Config;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.PublishTime;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.RealtimeMetrics;

/**
 * The cluster bus: Redis pub/sub through Redisson. Each topic with local subscribers is one channel
 * ({@code realtime.redis.channel-prefix} + topic) subscribed by this node; events travel as the JSON
 * text the handler's event was serialized to ({@link StringCodec}), published at most once and handed
 * unchanged to the registry by the channel's listener ({@link Subscription}).
 *
 * <p>Redis delivers a channel's messages to every subscriber in the order it executed the publishes,
 * and Redisson calls a channel's listener in that order, so all nodes see a topic's events in the same
 * order. Redisson restores subscriptions after a reconnect by itself; this class logs the outage and
 * the recovery once each ({@link RedisHealth}), bounds every publish by
 * {@code realtime.redis.publish-timeout-ms} so a slow or absent Redis costs a sender at most that
 * long, and proves that its subscriptions deliver ({@link SubscriptionCheck}). No caller's thread
 * makes the first connection: until it is made, on a thread of its own ({@link FirstConnection}),
 * publishes and subscriptions wait without blocking their callers.
 *
 * <p>Threads and ordering: {@link #subscribe}, {@link #unsubscribe}, a repair's resubscription and a
 * client replacement change a topic's subscription only inside the subscription map's per-topic
 * compute, always against the current client; subscribing, unsubscribing and resubscribing hold the
 * client lock's read side, a replacement its write side while it swaps the client and starts the
 * hand-over of every topic. So for every topic there is at most one forwarding listener, on the
 * current client (or, during a replacement, on the old one until the new one takes over), exactly
 * while the topic is subscribed.
 */
public final class RedisEventBus implements EventBus {

    /** The name the kit's Redis connections have in {@code CLIENT LIST} unless a Redisson YAML file names them. */
    static final String CLIENT_NAME = "realtime-kit";
    /** The name, after the channel prefix, of the key the health asks about and of the channel the first connection's probe counts. */
    private static final String HEALTH_CHECK = "health-check";

    /** The client in use; replaced (see {@link #replaceClient}) when Redisson cannot restore a subscription. */
    private volatile RedissonClient redisson;
    private final Config baseConfig;
    private final AtomicInteger generation = new AtomicInteger();
    private final String prefix;
    private final boolean sharded;
    private final long publishTimeoutMs;
    private final long subscribeTimeoutMs;
    private final String description;
    /** This node's subscriptions, by topic; the registry alternates subscribe and unsubscribe per topic. */
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /** Each topic's publishes in flight or waiting; a topic's entry goes once nothing is (see {@link TopicPublisher}). */
    private final ConcurrentHashMap<String, TopicPublisher> publishers = new ConcurrentHashMap<>();
    /** Read: a topic's subscription changes; write: the client is swapped (see the class comment). */
    private final ReadWriteLock clientLock = new ReentrantReadWriteLock();
    private final RedisHealth health;
    private final SubscriptionCheck check;
    /** The last client replacement, which the next one waits for; changed only holding this. */
    private volatile CompletableFuture<Void> replacing = CompletableFuture.completedFuture(null);
    /** Redis is being asked whether a Redisson timeout means Redisson is stuck (see {@link #redissonTimedOut}). */
    private final AtomicBoolean askingAfterTimeout = new AtomicBoolean();
    private final RealtimeMetrics metrics;
    private final RedisHistory history;
    /** Open once a client of this bus has connected; callers' Redis work waits for it (see the class). */
    private final FirstConnection firstConnection;
    private volatile boolean closing;
    private volatile Listener listener = (topic, payload) -> {
    };

    private RedisEventBus(Config redissonConfig, RealtimeConfig config, String description, RealtimeMetrics metrics) {
        this.metrics = metrics;
        this.prefix = config.redisChannelPrefix();
        this.history = new RedisHistory(prefix, config.history());
        this.sharded = config.redisSharded();
        this.publishTimeoutMs = config.redisPublishTimeoutMs();
        this.subscribeTimeoutMs = config.redisSubscribeTimeoutMs();
        this.description = description + (sharded ? " (sharded pub/sub)" : "") + ", channels " + prefix + "<topic>";
        this.check = new SubscriptionCheck(this, config.redisSubscriptionCheckIntervalMs(), publishTimeoutMs,
                subscribeTimeoutMs);
        this.health = new RedisHealth(this.description, () -> closing, this::connectedClient, prefix + HEALTH_CHECK,
                check::afterRecovery, metrics::redisOutage, check::afterRecovery);
        // Connect lazily: the application starts while Redis is down and joins it when it comes up.
        redissonConfig.setLazyInitialization(true);
        // Come back soon after Redis returns (by default within about two seconds), however long it was away.
        Duration maxDelay = Duration.ofMillis(config.redisReconnectMaxDelayMs());
        SafeReconnectionDelay.install(redissonConfig,
                new SafeReconnectionDelay(Duration.ofMillis(Math.min(100, maxDelay.toMillis())), maxDelay));
        BaseConfig<?> servers = ServerSettings.of(redissonConfig);
        withoutConnectionPing(servers, this.description);
        withConnectHandshake(servers);
        // Half the kit's own: a subscribe Redisson gave up on can still be taken over by a new client in time.
        servers.setSubscriptionTimeout(redissonSubscriptionTimeoutMs());
        this.baseConfig = redissonConfig;
        this.redisson = newClient();
        new PublishDeadlines(publishers.values(), publishTimeoutMs, () -> closing).start();
        this.firstConnection = new FirstConnection(() -> redisson,
                client -> channel(client, HEALTH_CHECK).countSubscribersAsync(), publishTimeoutMs,
                Math.min(100, maxDelay.toMillis()), () -> closing);
        // An outage recorded before the first connection ends with it (no connect event is confirmed before).
        firstConnection.opened().thenRun(() -> health.record(null));
        firstConnection.start();
    }

    /**
     * @return the client, or null before the first connection: a failure then is an outage, not a
     *     hint to confirm by asking Redis, which would make the confirming thread wait for that connection
     */
    private RedissonClient connectedClient() {
        FirstConnection first = firstConnection; // null while the constructor runs
        CompletableFuture<Void> opened = first == null ? null : first.opened();
        return opened != null && opened.isDone() && !opened.isCompletedExceptionally() ? redisson : null;
    }

    /** A Redisson client of its own configuration copy, whose connection events count only while it is current. */
    private RedissonClient newClient() {
        Config copy = new Config(baseConfig);
        int clientGeneration = generation.incrementAndGet();
        copy.setConnectionListener(health.connectionListener(() -> clientGeneration == generation.get() && !closing));
        return Redisson.create(copy);
    }

    /**
     * Turns Redisson's connection ping off (a Redisson YAML file may ask for one, and Redisson pings
     * every 30 s unless told otherwise). Redisson 3.52 loses subscription messages around it: when the
     * ping's answer arrives in the same read as messages and the read ends inside a message, the ping is
     * still the connection's current command when the rest of that message arrives, and the decoder
     * skips the whole reply as the finished command's; a ping answered late behind a backlog of messages
     * times out and closes the connection, losing what was published until Redisson subscribed again
     * (ConnectionPingIT; in the benchmark, one event missing at every subscriber of one node, its bytes
     * on the node's socket 10 ms after a ping). The kit finds dead subscriptions with its own check
     * (probes, then a fresh client), and replaces the client when Redis has left it unanswered on open
     * connections for a whole check interval ({@link SubscriptionCheck}).
     */
    private static void withoutConnectionPing(BaseConfig<?> servers, String bus) {
        if (servers.getPingConnectionInterval() > 0) {
            Messages.redisConnectionPingOff(bus, servers.getPingConnectionInterval());
            servers.setPingConnectionInterval(0);
        }
    }

    /**
     * Makes Redisson wait for an answer from Redis before it counts a new connection as open: it
     * names its connections ({@code CLIENT SETNAME}, {@value #CLIENT_NAME} unless a Redisson YAML file
     * names them), and sends that before anything else on each one. Redisson's connection ping did this
     * too (its first PING went out on connect); without either, a connection that only reached a proxy
     * in front of a Redis that is down (a load balancer, a sidecar, a TLS terminator accepts first)
     * counts as a reconnection, Redisson stops retrying, and once Redis is back the node writes its
     * commands and subscriptions into that dead connection until the proxy closes it (ProxiedRedisIT).
     * The name also shows the kit's connections in {@code CLIENT LIST}.
     */
    private static void withConnectHandshake(BaseConfig<?> servers) {
        if (servers.getClientName() == null || servers.getClientName().isEmpty()) {
            servers.setClientName(CLIENT_NAME);
        }
    }

    /** Creates the bus from {@code realtime.redis.address} or {@code realtime.redis.config}. */
    public static RedisEventBus create(RealtimeConfig config) {
        return create(config, RealtimeMetrics.NONE);
    }

    /** Creates the bus, telling {@code metrics} about outages and repaired subscriptions. */
    public static RedisEventBus create(RealtimeConfig config, RealtimeMetrics metrics) {
        if (config.redisConfigFile().isPresent()) {
            String file = config.redisConfigFile().get();
            return new RedisEventBus(readYaml(file), config, "Redis (Redisson config " + file + ")", metrics);
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
                .setRetryAttempts(1)
                .setRetryInterval(200)
                .setPingConnectionInterval(0); // see withoutConnectionPing
        return new RedisEventBus(redissonConfig, config, "Redis " + withoutCredentials(address), metrics);
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
        Subscription subscription = change(topic, (name, previous) -> {
            if (previous != null) {
                // The registry never subscribes twice without unsubscribing; if it ever did, a second
                // listener would deliver every event twice.
                previous.close();
                previous.remove();
            }
            return listen(name, firstConnection.opened());
        });
        // Time out a copy: Redisson's own future must still complete, so that a subscription that
        // succeeds after the timeout is found and removed by unsubscribe.
        return subscription.confirmed().copy().orTimeout(subscribeTimeoutMs, TimeUnit.MILLISECONDS)
                .thenApply(ignored -> (Void) null)
                .whenComplete((ignored, failure) -> health.record(failure));
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        AtomicReference<CompletableFuture<Void>> removed = new AtomicReference<>(CompletableFuture.completedFuture(null));
        change(topic, (name, subscription) -> {
            check.forget(name);
            if (subscription != null) {
                subscription.close();
                removed.set(subscription.remove());
            }
            return null;
        });
        return removed.get();
    }

    /** Changes a topic's subscription (see the class comment); {@code change} runs inside the map's compute. */
    private Subscription change(String topic, BiFunction<String, Subscription, Subscription> change) {
        clientLock.readLock().lock();
        try {
            return subscriptions.compute(topic, change);
        } finally {
            clientLock.readLock().unlock();
        }
    }

    /** A forwarding subscription on the current client, whose listener is added once {@code after} completes. */
    private Subscription listen(String topic, CompletableFuture<?> after) {
        RedissonClient client = redisson;
        return Subscription.forwarding(topic, client, channel(client, topic), this::deliver, this::redissonTimedOut, after);
    }

    /** @return how long Redisson may take to subscribe or unsubscribe: half of {@code realtime.redis.subscribe-timeout-ms} */
    private int redissonSubscriptionTimeoutMs() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, subscribeTimeoutMs / 2));
    }

    /**
     * Redisson gave up on adding or removing a listener of the current client. Redisson 3.52 runs every
     * subscribe and unsubscribe of a channel under one of 50 locks chosen by the channel's name, and
     * can lose a lock's permit for good (a lost wake-up in its {@code AsyncSemaphore}, fixed in 4.6.1):
     * every topic on that lock then times out on this node while Redis answers everything else, and
     * no probe notices, since those topics' subscribers were refused and left (StuckPubSubIT). So Redis
     * is asked a question: answered, Redisson is stuck and a new client takes every topic over (a
     * subscriber still waiting gets the new client's confirmation, within its own timeout); unanswered,
     * Redis is away or stalled, which the health reports and Redisson recovers from by itself.
     */
    private void redissonTimedOut(Subscription subscription) {
        RedissonClient client = subscription.client;
        if (closing || client != redisson || replacingClient() || !askingAfterTimeout.compareAndSet(false, true)) {
            return;
        }
        health.ask(client).toCompletableFuture()
                .orTimeout(publishTimeoutMs, TimeUnit.MILLISECONDS)
                // Off Redisson's thread: a replacement creates a client and waits for the topics' lock.
                .whenCompleteAsync((answer, failure) -> {
                    try {
                        if (failure == null && client == redisson && !closing && !replacingClient()) {
                            Messages.redisPubSubStuck(description, redissonSubscriptionTimeoutMs());
                            replaceClient();
                        }
                    } finally {
                        askingAfterTimeout.set(false);
                    }
                });
    }

    private void deliver(String topic, String message) {
        PublishTime.Stamped stamped = PublishTime.read(message);
        listener.onEvent(topic, stamped.payload(), stamped.publishedMicros());
    }

    /**
     * Subscribes a topic anew because its subscription stopped delivering, if it is still
     * {@code deaf}: the old listener stops forwarding at once and is removed first (so Redisson really
     * unsubscribes the channel: adding a second listener to a channel it believes subscribed sends
     * nothing to Redis), then a new one is added on the current client. The check only calls a
     * channel deaf when nothing at all reached its listener for a whole probe, so the gap loses
     * nothing the old listener would have delivered.
     */
    void resubscribe(String topic, Subscription deaf) {
        change(topic, (name, current) -> {
            if (current != deaf) {
                return current;
            }
            deaf.close();
            // An old subscription Redisson never confirmed may never complete: do not wait for it forever.
            CompletableFuture<Void> removed = deaf.remove().orTimeout(subscribeTimeoutMs, TimeUnit.MILLISECONDS)
                    .handle((ignored, failure) -> null);
            return listen(name, removed);
        });
    }

    /**
     * Replaces the Redisson client and hands every topic over to a listener on the new one. The last
     * resort when subscribing anew did not help: Redisson can keep a channel's internal subscription
     * state broken after an outage (its issue 4294), and only a fresh client recovers from that.
     * Replacements run one after the other; the old client is shut down once every topic is handed
     * over (see {@link Subscription}).
     *
     * @return a stage that completes when this replacement is over
     */
    synchronized CompletableFuture<Void> replaceClient() {
        replacing = replacing.handle((ignored, failure) -> null).thenCompose(ignored -> replaceNow());
        return replacing;
    }

    /** @return whether a client replacement has been asked for and is not over yet */
    boolean replacingClient() {
        return !replacing.isDone();
    }

    private CompletableFuture<Void> replaceNow() {
        RedissonClient fresh = newClient();
        RedissonClient old;
        List<Subscription> successors = new ArrayList<>();
        clientLock.writeLock().lock();
        try {
            if (closing) {
                fresh.shutdown(0, 2, TimeUnit.SECONDS);
                return CompletableFuture.completedFuture(null);
            }
            old = redisson;
            redisson = fresh;
            for (String topic : List.copyOf(subscriptions.keySet())) {
                subscriptions.computeIfPresent(topic, (name, current) -> {
                    Subscription successor = Subscription.succeeding(current, fresh, channel(fresh, name),
                            check.marker("handover"), publishTimeoutMs);
                    successors.add(successor);
                    return successor;
                });
            }
        } finally {
            clientLock.writeLock().unlock();
        }
        successors.stream().filter(successor -> successor.marker() != null && !successor.isForwarding())
                .forEach(this::handOver);
        return CompletableFuture.allOf(successors.stream().map(successor -> successor.handedOver)
                        .toArray(CompletableFuture[]::new))
                .completeOnTimeout(null, handOverLimitMs() + 1_000, TimeUnit.MILLISECONDS)
                .thenRun(() -> {
                    successors.forEach(Subscription::forgetPredecessor);
                    CompletableFuture.runAsync(() -> old.shutdown(0, 2, TimeUnit.SECONDS));
                });
    }

    /** Publishes the successor's marker once it is subscribed; forces the hand-over if it does not end in time. */
    private void handOver(Subscription successor) {
        successor.listenerId().thenCompose(id -> publishProbe(successor.topic, successor.marker()));
        CompletableFuture.delayedExecutor(handOverLimitMs(), TimeUnit.MILLISECONDS).execute(successor::forceHandOver);
    }

    /** @return how long a hand-over may take: the subscription, the marker's publish, and the predecessor's grace */
    private long handOverLimitMs() {
        return subscribeTimeoutMs + 2 * publishTimeoutMs;
    }

    /**
     * Hands the event to its topic's {@link TopicPublisher}, which sends it after the topic's earlier
     * publishes without waiting for their answers: a sender need not wait before publishing again,
     * and Redis still executes a topic's publishes in the order they were made.
     */
    @Override
    public CompletionStage<Void> publish(String topic, String payload) {
        // Decided once per publish: a history topic's script numbers it and stamps the time when it is sent.
        boolean numbered = history.enabled(topic);
        String stamped = numbered ? payload : PublishTime.stamp(payload);
        CompletableFuture<Void> published;
        do {
            published = publishers.computeIfAbsent(topic, name -> new TopicPublisher(
                    payloads -> numbered ? sendNumbered(name, payloads) : send(name, payloads),
                    idle -> publishers.remove(name, idle), firstConnection.opened())).publish(stamped);
        } while (published == null); // that publisher had just gone idle and was forgotten
        return published.handle((ignored, failure) -> {
            if (!(failure instanceof RejectedExecutionException)) {
                health.record(failure); // too many waiting says Redis is slow, not that it is away
            }
            if (failure != null) {
                throw failure instanceof RuntimeException runtime ? runtime : new CompletionException(failure);
            }
            return (Void) null;
        });
    }

    /**
     * Sends one topic's payloads in order: one PUBLISH, or a pipelined batch on one connection. A
     * send that times out may still reach Redis later: the senders are told it failed, subscribers
     * may get it anyway (at most once, never twice: nothing is retried, see {@link #publishChannel}).
     */
    private CompletionStage<?> send(String topic, List<String> payloads) {
        if (payloads.size() == 1) {
            return publishChannel(topic).publishAsync(payloads.get(0));
        }
        RBatch batch = redisson.createBatch(BatchOptions.defaults().retryAttempts(0)
                .responseTimeout(publishTimeoutMs, TimeUnit.MILLISECONDS));
        String name = prefix + topic;
        RTopicAsync channel = sharded ? batch.getShardedTopic(name, StringCodec.INSTANCE) : batch.getTopic(name, StringCodec.INSTANCE);
        for (String payload : payloads) {
            channel.publishAsync(payload);
        }
        return batch.executeAsync();
    }

    /** As {@link #send}, for a history topic: each event numbered, kept and published by one script. */
    private CompletionStage<?> sendNumbered(String topic, List<String> payloads) {
        String channel = prefix + topic;
        if (payloads.size() == 1) {
            return history.publish(redisson, topic, channel, payloads.get(0), Duration.ofMillis(publishTimeoutMs));
        }
        RBatch batch = redisson.createBatch(BatchOptions.defaults().retryAttempts(0)
                .responseTimeout(publishTimeoutMs, TimeUnit.MILLISECONDS));
        for (String payload : payloads) {
            history.publish(batch, topic, channel, payload);
        }
        return batch.executeAsync();
    }

    @Override
    public CompletionStage<HistoryPage> readHistory(String topic, long afterSeq) {
        if (!history.enabled(topic)) {
            return EventBus.super.readHistory(topic, afterSeq);
        }
        return firstConnection.opened().thenCompose(ignored -> history.read(redisson, topic, afterSeq))
                .orTimeout(publishTimeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The subscription check proved these topics deliver after an interruption: events may have been missed meanwhile. */
    void possibleGap(Iterable<String> topics) {
        for (String topic : topics) {
            if (history.enabled(topic)) {
                listener.onPossibleGap(topic);
            }
        }
    }

    /** The self-check subscribed deaf topics anew or handed them to a new client. */
    void repaired(int topics) {
        metrics.subscriptionsRepaired(topics);
    }

    /**
     * @return the Redisson client in use now; the subscription check may replace it after Redis faults,
     *     so callers ask again for each use (see {@link ApplicationRedisClient})
     */
    public RedissonClient client() {
        return redisson;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Status status() {
        return new Status("redis", health.reachable(), subscriptions.size(), check.deafCount(),
                closing || redisson.isShutdown());
    }

    @Override
    public void close() {
        clientLock.writeLock().lock();
        try {
            closing = true;
        } finally {
            clientLock.writeLock().unlock();
        }
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

    boolean isClosing() {
        return closing;
    }

    /** @return how long Redis has left this node's questions unanswered on open connections (see {@link RedisHealth#silentForMillis}) */
    long silentForMillis() {
        return health.silentForMillis();
    }

    /** @return the subscriptions, by topic, as they are now (read-only, weakly consistent) */
    Map<String, Subscription> subscriptions() {
        return Collections.unmodifiableMap(subscriptions);
    }

    /**
     * Publishes a probe or marker; the stage fails after the publish timeout. Its outcome counts as
     * proof that Redis answers or not: a node that marked Redis unreachable and missed the reconnect's
     * own confirmation (a check on a connection not ready yet, or events of its connections handled
     * out of order) would otherwise stay unready until the next publish, however long Redis has been
     * back.
     */
    CompletableFuture<Long> publishProbe(String topic, String probe) {
        return publishChannel(topic).publishAsync(probe).toCompletableFuture().copy()
                .orTimeout(publishTimeoutMs, TimeUnit.MILLISECONDS)
                .whenComplete((receivers, failure) -> health.record(failure));
    }

    /** Test hook: replaces the Redisson client as a subscription check does when Redisson is stuck. */
    CompletionStage<Void> replaceClientForTests() {
        return replaceClient();
    }

    /** Test hook: runs {@code hook} at the start of the next check round, which fails if it throws. */
    void failNextCheckRoundForTests(Runnable hook) {
        check.beforeNextRound(hook);
    }

    /** Test hook: Redis is taken for unreachable, as after an outage whose reconnect went unconfirmed. */
    void markUnreachableForTests() {
        health.outage(new IOException("injected by a test"));
    }

    /** Test hook: a command failed as a publish on a connection Redis closed would; done once it was confirmed or not. */
    CompletionStage<Void> commandFailedForTests(Throwable failure) {
        return health.record(failure);
    }

    /** Test hook: makes Redisson forget a channel behind this bus's back, as its resubscription sometimes does. */
    void loseSubscriptionForTests(String topic) {
        channel(redisson, topic).removeAllListeners();
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
}
