package dev.realtimekit.impl.dispatch;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.history.Position;
import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.impl.registry.TopicRegistry;

/**
 * One client connection: what the handler sees ({@link ConnectionContext}), what the registry
 * delivers to ({@link TopicRegistry.Subscriber}), and the queue that handles its messages in order.
 *
 * @param <U> the user id type
 */
public final class Connection<U> implements ConnectionContext<U>, TopicRegistry.Subscriber {

    private final String id = UUID.randomUUID().toString();
    private final U userId;
    private final String topic;
    private final DeferredOutbound outbound;
    /**
     * The session's outbound once attached (and the deferred frames handed to it), else null: a
     * delivery goes to it directly, one object fewer per subscriber and event than through
     * {@link #outbound}, which forwards everything to it from then on.
     */
    private volatile Outbound session;
    private final JsonCodec codec;
    private final SerialQueue inbound;
    /** Null when messages are not rate limited. */
    private final RateLimiter rateLimiter;
    private final long preparedNanos = System.nanoTime();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Guarded by this: set once the session is attached; a connection is attached or abandoned, never both. */
    private boolean attached;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    /** Set on the connection's serial queue only, before onConnect is called. */
    private volatile boolean connected;
    /** Set when onConnect failed: the connection was never announced as opened. */
    private volatile boolean onConnectFailed;
    private final EventBus bus;
    /** Topics followed with subscribe frames, besides the path topic; changed on the connection's serial queue. */
    private final java.util.concurrent.ConcurrentHashMap<String, TopicSubscription> secondaryTopics =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Where the client stands in its path topic's history ({@code since} at the handshake), or null. */
    private volatile Position since;

    /** Set once its topic subscription is confirmed before the upgrade. */
    private volatile boolean subscribed;

    Connection(U userId, String topic, DeferredOutbound outbound, JsonCodec codec, SerialQueue inbound,
            RateLimiter rateLimiter, EventBus bus) {
        this.bus = bus;
        this.userId = userId;
        this.topic = topic;
        this.outbound = outbound;
        this.codec = codec;
        this.inbound = inbound;
        this.rateLimiter = rateLimiter;
    }

    @Override
    public String connectionId() {
        return id;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public U userId() {
        return userId;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public CompletionStage<Void> send(Object message) {
        Objects.requireNonNull(message, "message");
        return encoded(message, outbound::send);
    }

    @Override
    public CompletionStage<Void> broadcastToOthers(Object event) {
        Objects.requireNonNull(event, "event");
        return encoded(event, payload -> Stages.call(() -> bus.publish(topic, BusMessages.excluding(id, payload))));
    }

    /** Serializes on the calling thread; a value JSON-B cannot serialize gives a failed stage. */
    private CompletionStage<Void> encoded(Object value, java.util.function.Function<String, CompletionStage<Void>> then) {
        String text;
        try {
            text = codec.encode(value);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return then.apply(text);
    }

    @Override
    public CompletionStage<Void> close() {
        return outbound.close(1000, "");
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        if (code != 1000 && (code < 4000 || code > 4999)) {
            throw new IllegalArgumentException("Close code must be 1000 or 4000 to 4999, not " + code);
        }
        String text = reason == null ? "" : reason;
        if (text.getBytes(StandardCharsets.UTF_8).length > 123) {
            throw new IllegalArgumentException("Close reason must be at most 123 bytes in UTF-8");
        }
        return outbound.close(code, text);
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && outbound.isOpen();
    }

    @Override
    public void deliver(String frame) {
        Outbound attachedSession = session;
        if (attachedSession != null) {
            attachedSession.offer(frame);
        } else {
            outbound.offer(frame);
        }
    }

    Outbound outbound() {
        return outbound;
    }

    /** @return false, attaching nothing, when the connection was already abandoned or closed */
    synchronized boolean attach(Outbound session) {
        if (closed.get()) {
            return false;
        }
        attached = true;
        outbound.attach(session);
        this.session = session;
        return true;
    }

    /** @return true for the first call on a connection that has no session yet: it is closed from now on */
    synchronized boolean markAbandoned() {
        return !attached && closed.compareAndSet(false, true);
    }

    synchronized boolean isAttached() {
        return attached;
    }

    long preparedNanos() {
        return preparedNanos;
    }

    /** @return the rate limiter's verdict on one more message now */
    RateLimiter.Verdict admitMessage() {
        return rateLimiter == null ? RateLimiter.Verdict.ACCEPT : rateLimiter.take(System.nanoTime());
    }

    /** @param since where the client stands in its path topic's history, or null; set before subscribing */
    void recoverFrom(Position since) {
        this.since = since;
    }

    Position since() {
        return since;
    }

    boolean isSubscribed() {
        return subscribed;
    }

    void markSubscribed() {
        subscribed = true;
    }

    /** @return for diagnosis (the integration tests' stats servlet): its queues' state, read without locks */
    public String describe() {
        return "connection " + id + " of " + userId + " on " + topic + ": " + inbound.pending() + " tasks pending"
                + (connected ? "" : ", onConnect not run") + (closed.get() ? ", closed" : "") + "; outbound " + outbound;
    }

    SerialQueue inbound() {
        return inbound;
    }

    /** @return whether the kit considers the connection gone (its onDisconnect is queued or done) */
    boolean isClosed() {
        return closed.get();
    }

    /** @return true for the first call only */
    boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    boolean connected() {
        return connected;
    }

    void markConnected() {
        connected = true;
    }

    java.util.concurrent.ConcurrentHashMap<String, TopicSubscription> secondaryTopics() {
        return secondaryTopics;
    }

    void markOnConnectFailed() {
        onConnectFailed = true;
    }

    /** @return whether the lifecycle listener was told this connection opened */
    boolean announced() {
        return connected && !onConnectFailed;
    }

    /** @return a stage that completes when the connection's last lifecycle callback has finished */
    public CompletableFuture<Void> finished() {
        return finished;
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", topic=" + topic + "]";
    }
}
