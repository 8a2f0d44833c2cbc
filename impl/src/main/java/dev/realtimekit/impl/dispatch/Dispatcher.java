package dev.realtimekit.impl.dispatch;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.realtimekit.ErrorFrameMapper;
import dev.realtimekit.ExcludesSender;
import dev.realtimekit.HandlerException;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.history.HistoryFrames;
import dev.realtimekit.impl.history.Position;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.ErrorReason;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.impl.registry.TopicRegistry;

/**
 * Drives the application's {@link MessageHandler} for every connection of this node: subscription
 * and onConnect, decoding, direct-then-broadcast dispatch, error frames, publishing, onDisconnect.
 *
 * <p>Each connection's work runs on its own {@link SerialQueue}, so its calls into the handler are
 * sequential and in arrival order; handler methods are always invoked on the executor. Methods of
 * this class are called from container threads and never block.
 *
 * @param <C> client message type
 * @param <E> event type
 * @param <U> user id type
 */
public final class Dispatcher<C, E, U> {

    /** Error frame text when publishing a broadcast event failed (the seed's wording). */
    public static final String BROADCAST_FAILED = "Failed to broadcast event";
    /** Error frame text when a connection sends faster than its messages are handled. */
    public static final String TOO_MANY_PENDING = "Too many pending messages";
    /** Error frame text for binary frames, which the kit does not accept. */
    public static final String BINARY_NOT_SUPPORTED = "Binary messages are not supported";
    /** Error frame text for a message beyond the connection's rate limit; also the reason of the 1008 close. */
    public static final String RATE_LIMITED = "Rate limit exceeded";
    /** Error frame text when a handler's stage took longer than {@code realtime.handler-timeout-ms}. */
    public static final String HANDLER_TIMED_OUT = "Handler timed out";
    /** Close code for a connection that keeps exceeding its rate limit. */
    public static final int POLICY_VIOLATION = 1008;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final MessageHandler<C, E, U> handler;
    private final String handlerName;
    private final Type messageType;
    private final JsonCodec codec;
    private final TopicRegistry registry;
    private final EventBus bus;
    private final Executor executor;
    private final DispatchLimits limits;
    private final LifecycleListener lifecycle;
    private final RealtimeMetrics metrics;
    private final LocalConnections local = new LocalConnections();
    private final TopicFrames topicFrames;
    private final Set<Connection<U>> open = ConcurrentHashMap.newKeySet();
    /** Connections admitted and not yet forgotten; checked against {@code maxConnections}. */
    private final AtomicInteger admitted = new AtomicInteger();
    /** Connections per user, kept only with a per-user limit; users without connections are removed. */
    private final ConcurrentHashMap<U, Integer> perUser = new ConcurrentHashMap<>();
    private final ErrorFrames errors;

    public Dispatcher(MessageHandler<C, E, U> handler, String handlerName, Type messageType, JsonCodec codec,
            TopicRegistry registry, EventBus bus, Executor executor, DispatchLimits limits) {
        this(handler, handlerName, messageType, codec, registry, bus, executor, limits, LifecycleListener.NONE,
                TopicFrames.Options.DISABLED);
    }

    /**
     * @param lifecycle told about each connection's lifecycle (the CDI events)
     * @param topicFrames whether and how clients may follow more topics with subscribe frames
     */
    public Dispatcher(MessageHandler<C, E, U> handler, String handlerName, Type messageType, JsonCodec codec,
            TopicRegistry registry, EventBus bus, Executor executor, DispatchLimits limits, LifecycleListener lifecycle,
            TopicFrames.Options topicFrames) {
        this(handler, handlerName, messageType, codec, registry, bus, executor, limits, lifecycle, topicFrames,
                RealtimeMetrics.NONE);
    }

    /** @param metrics told about messages, error frames and handler calls */
    public Dispatcher(MessageHandler<C, E, U> handler, String handlerName, Type messageType, JsonCodec codec,
            TopicRegistry registry, EventBus bus, Executor executor, DispatchLimits limits, LifecycleListener lifecycle,
            TopicFrames.Options topicFrames, RealtimeMetrics metrics) {
        this(handler, handlerName, messageType, codec, registry, bus, executor, limits, lifecycle, topicFrames, metrics, null);
    }

    /** @param errorFrameMapper the application's say on error frames, or null for the default frames */
    public Dispatcher(MessageHandler<C, E, U> handler, String handlerName, Type messageType, JsonCodec codec,
            TopicRegistry registry, EventBus bus, Executor executor, DispatchLimits limits, LifecycleListener lifecycle,
            TopicFrames.Options topicFrames, RealtimeMetrics metrics, ErrorFrameMapper errorFrameMapper) {
        this.metrics = metrics;
        this.handler = handler;
        this.handlerName = handlerName;
        this.messageType = messageType;
        this.codec = codec;
        this.registry = registry;
        this.bus = bus;
        this.executor = executor;
        this.limits = limits;
        this.lifecycle = lifecycle;
        this.topicFrames = new TopicFrames(topicFrames, registry, codec, lifecycle,
                () -> metrics.errorFrameSent(ErrorReason.TOPIC_REFUSED));
        this.errors = new ErrorFrames(codec, errorFrameMapper);
    }

    /**
     * Creates a connection for a handshake that passed its checks, before the upgrade. Its frames are
     * kept until {@link #opened} attaches the session.
     *
     * @throws ConnectionLimitException when this node, or this user on it, holds as many connections as allowed
     */
    public Connection<U> prepare(U userId, String topic) throws ConnectionLimitException {
        admit(userId);
        RateLimiter rateLimiter = limits.rateLimitPerSecond() == 0 ? null
                : new RateLimiter(limits.rateLimitPerSecond(), limits.rateLimitBurst(), System.nanoTime());
        Connection<U> connection = new Connection<>(userId, topic,
                new DeferredOutbound(limits.sendQueueCapacity(), limits.sendQueueBytes()), codec,
                new SerialQueue(executor), rateLimiter, bus);
        open.add(connection);
        local.add(connection);
        return connection;
    }

    /**
     * Takes a handshake's {@code since} into account, before {@link #subscribe}: on a history topic the
     * connection recovers from there; on another topic it first gets the {@code no-history} resync
     * frame (the position means nothing here), then the topic's frames as any connection.
     *
     * @param since the client's position, or null
     */
    public void recoverFrom(Connection<U> connection, Position since) {
        if (since != null && !registry.hasHistory(connection.topic())) {
            connection.deliver(HistoryFrames.noHistory(connection.topic(), ""));
        } else {
            connection.recoverFrom(since);
        }
    }

    /**
     * Subscribes this node to the frames addressed to users and connections ({@link BusMessages#DIRECT_TOPIC}).
     *
     * @return a stage that completes when they reach this node, or fails (then call again later)
     */
    public CompletionStage<Void> startDirectDelivery() {
        return registry.add(local);
    }

    /** Counts a new connection in, or refuses it when a limit is reached; undone by {@link #forget}. */
    private void admit(U userId) throws ConnectionLimitException {
        if (admitted.incrementAndGet() > limits.maxConnections() && limits.maxConnections() > 0) {
            admitted.decrementAndGet();
            throw new ConnectionLimitException(503, "node full");
        }
        if (limits.maxConnectionsPerUser() > 0) {
            boolean[] refused = {false};
            perUser.compute(userId, (user, count) -> {
                int held = count == null ? 0 : count;
                refused[0] = held >= limits.maxConnectionsPerUser();
                return refused[0] ? count : held + 1;
            });
            if (refused[0]) {
                admitted.decrementAndGet();
                throw new ConnectionLimitException(429, "too many connections of one user");
            }
        }
    }

    /** The connection is gone for good: it no longer counts against any limit, and waiters learn it finished. */
    private void forget(Connection<U> connection) {
        local.remove(connection);
        if (open.remove(connection)) {
            admitted.decrementAndGet();
            if (limits.maxConnectionsPerUser() > 0) {
                perUser.computeIfPresent(connection.userId(), (user, count) -> count <= 1 ? null : count - 1);
            }
        }
        connection.finished().complete(null);
    }

    /**
     * Subscribes a prepared connection to its topic before the upgrade, so that the client is
     * subscribed when its socket opens.
     *
     * @return a stage that completes when the subscription is confirmed; when it fails the connection
     *     is already abandoned
     */
    public CompletionStage<Void> subscribe(Connection<U> connection) {
        return registry.add(connection, connection.since(), "").whenComplete((ignored, failure) -> {
            if (failure == null) {
                Messages.subscribeSucceeded();
                connection.markSubscribed();
            } else {
                abandon(connection);
            }
        });
    }

    /**
     * Forgets a prepared connection whose session did not open (the upgrade failed, or the container
     * never opened it); no handler method is called for it. Does nothing once the session is attached.
     */
    public void abandon(Connection<U> connection) {
        if (connection.markAbandoned()) {
            connection.outbound().closed();
            registry.remove(connection);
            forget(connection);
        }
    }

    /**
     * Abandons the prepared connections whose sessions have not opened since {@code preparedBeforeNanos}
     * ({@link System#nanoTime}): their clients went away between the upgrade answer and the open.
     *
     * @return how many were abandoned
     */
    public int abandonUnopened(long preparedBeforeNanos) {
        int abandoned = 0;
        for (Connection<U> connection : open) {
            if (connection.preparedNanos() - preparedBeforeNanos < 0 && !connection.isAttached()
                    && !connection.isClosed()) {
                abandon(connection);
                abandoned++;
            }
        }
        return abandoned;
    }

    /**
     * The container opened the session of a prepared connection: its kept frames go out, and its
     * subscription (unless done before the upgrade) and onConnect are queued ahead of any message.
     *
     * @return false when the connection was abandoned already: the caller closes the session
     */
    public boolean opened(Connection<U> connection, Outbound session) {
        if (!connection.attach(session)) {
            return false;
        }
        connection.inbound().submit(() -> connect(connection));
        return true;
    }

    /**
     * Creates and opens a connection at once (subscribing it in its connect task).
     *
     * @return the new connection
     */
    public Connection<U> open(U userId, String topic, Outbound outbound) throws ConnectionLimitException {
        Connection<U> connection = prepare(userId, topic);
        opened(connection, outbound);
        return connection;
    }

    /**
     * @return a stage that completes once everything queued for the connection so far (its onConnect,
     *     its messages) has been handled; for the testing kit, whose connect returns after onConnect
     */
    public CompletionStage<Void> afterQueued(Connection<U> connection) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        connection.inbound().submit(() -> {
            done.complete(null);
            return DONE;
        });
        return done;
    }

    /** A text frame arrived: queues it behind the connection's earlier messages, or refuses it when too many wait. */
    public void message(Connection<U> connection, String text) {
        if (connection.isClosed()) {
            return; // arrived after the kit closed the connection (shutdown): onDisconnect is already queued
        }
        metrics.messageReceived();
        if (withinRate(connection, text) && !connection.inbound().submit(() -> handle(connection, text), limits.maxPendingMessages())) {
            sendError(connection, ErrorReason.TOO_MANY_PENDING, text);
        }
    }

    /**
     * A binary frame arrived: answered with an error frame, in order with the answers to the messages
     * before it (and within the rate limit, like any message); the connection stays open.
     */
    public void binaryMessage(Connection<U> connection) {
        if (connection.isClosed()) {
            return;
        }
        metrics.messageReceived();
        if (!withinRate(connection, null)) {
            return;
        }
        if (!connection.inbound().submit(() -> {
            sendError(connection, ErrorReason.BINARY, null);
            return DONE;
        }, limits.maxPendingMessages())) {
            sendError(connection, ErrorReason.TOO_MANY_PENDING, null);
        }
    }

    /**
     * @param text the message, or null for a binary one
     * @return whether the message may be handled; otherwise it was answered (error frame, or 1008 for a flood)
     */
    private boolean withinRate(Connection<U> connection, String text) {
        switch (connection.admitMessage()) {
            case ACCEPT -> {
                return true;
            }
            case REFUSE -> {
                metrics.rateLimited();
                sendError(connection, ErrorReason.RATE_LIMITED, text);
            }
            case CLOSE -> {
                metrics.rateLimited();
                if (connection.outbound().isOpen()) {
                    Messages.rateLimitClosed(connection.id(), limits.rateLimitPerSecond(), limits.rateLimitBurst());
                    sendError(connection, ErrorReason.RATE_LIMITED, text);
                    connection.outbound().close(POLICY_VIOLATION, RATE_LIMITED);
                }
            }
        }
        return false;
    }

    /** The client has gone (any reason); safe to call more than once. */
    public void closed(Connection<U> connection) {
        connection.outbound().closed();
        finish(connection);
    }

    /**
     * The client stopped answering and is being closed: it is unsubscribed and its onDisconnect runs
     * now, without waiting for the container to report the close (which a client that answers nothing
     * may hold up for long). The close already queued on its outbound still goes out.
     */
    public void lost(Connection<U> connection) {
        finish(connection);
    }

    /** Unsubscribes the connection and queues its onDisconnect; only the first call does anything. */
    private void finish(Connection<U> connection) {
        if (!connection.markClosed()) {
            return;
        }
        registry.remove(connection);
        connection.inbound().submit(() -> disconnect(connection));
    }

    /** @return the number of connections not yet fully closed (onDisconnect pending or running included) */
    public int openConnections() {
        return open.size();
    }

    /** @return the connections not yet fully closed, as they are now */
    public List<Connection<U>> connections() {
        return List.copyOf(open);
    }

    /**
     * Closes one connection from the server's side (a drain) and runs its onDisconnect; the close
     * frame goes out after what is already queued. Safe to call again for the same connection.
     *
     * @return a stage that completes when its onDisconnect has finished
     */
    public CompletableFuture<Void> close(Connection<U> connection, int code, String reason) {
        connection.outbound().close(code, reason);
        finish(connection);
        return connection.finished();
    }

    /**
     * Closes every connection (for application shutdown) and runs their onDisconnect.
     *
     * @return a stage that completes when every onDisconnect has finished
     */
    public CompletableFuture<Void> closeAll(int code, String reason) {
        List<Connection<U>> connections = List.copyOf(open);
        for (Connection<U> connection : connections) {
            // The close frame goes out after what is already queued; the container reports the close later.
            connection.outbound().close(code, reason);
            finish(connection);
        }
        return CompletableFuture.allOf(connections.stream().map(Connection::finished).toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Void> connect(Connection<U> connection) {
        if (!connection.isOpen()) {
            return DONE;
        }
        CompletionStage<Void> subscribed = connection.isSubscribed() ? DONE
                : registry.add(connection, connection.since(), "");
        return continueOnExecutor(subscribed, (ignored, failure) -> {
            if (failure != null) {
                Messages.subscribeFailed(connection.topic(), connection.id(), Stages.unwrap(failure));
                sendError(connection, ErrorReason.INTERNAL, null);
                connection.outbound().close(1011, "Subscription failed");
                return DONE;
            }
            Messages.subscribeSucceeded();
            if (!connection.isOpen()) {
                registry.remove(connection);
                return DONE;
            }
            connection.markConnected();
            return continueOnExecutor(callHandler("onConnect", () -> handler.onConnect(connection)), (result, connectFailure) -> {
                if (connectFailure != null) {
                    connection.markOnConnectFailed();
                    reportFailure(connection, "onConnect", connectFailure, null);
                    connection.outbound().close(1011, "Connection setup failed");
                } else {
                    tell(() -> lifecycle.opened(connection));
                    tell(() -> lifecycle.subscribed(connection, connection.topic()));
                }
                return DONE;
            });
        });
    }

    private CompletionStage<Void> disconnect(Connection<U> connection) {
        registry.remove(connection);
        if (!connection.connected()) {
            topicFrames.leaveAll(connection, false);
        }
        CompletionStage<Void> done = !connection.connected() ? DONE
                : callHandler("onDisconnect", () -> handler.onDisconnect(connection)).handle((result, failure) -> {
                    if (failure != null) {
                        Messages.lifecycleFailed("onDisconnect", handlerName, connection.id(), Stages.unwrap(failure));
                    }
                    tell(() -> topicFrames.leaveAll(connection, connection.announced()));
                    if (connection.announced()) {
                        tell(() -> lifecycle.unsubscribed(connection, connection.topic()));
                        tell(() -> lifecycle.closed(connection));
                    }
                    return null;
                });
        return done.whenComplete((result, failure) -> forget(connection));
    }

    private CompletionStage<Void> handle(Connection<U> connection, String text) {
        TopicFrames.Control control = topicFrames.parse(text);
        if (control != null) {
            return topicFrames.handle(connection, control);
        }
        C message;
        try {
            message = codec.decode(text, messageType);
        } catch (RuntimeException e) {
            sendError(connection, ErrorReason.INVALID_FORMAT, text);
            return DONE;
        }
        return continueOnExecutor(callHandler("handleDirectMessage", () -> handler.handleDirectMessage(message, connection)), (reply, failure) -> {
            if (failure != null || reply == null) {
                reportFailure(connection, "handleDirectMessage", failure != null ? failure : nullOptional(), text);
                return DONE;
            }
            if (reply.isPresent()) {
                sendReply(connection, reply.get(), text);
                return DONE;
            }
            return broadcast(connection, message, text);
        }).exceptionally(unexpected -> {
            Messages.unexpected("dispatching a message of connection " + connection.id(), unexpected);
            return null;
        });
    }

    /** @param text the client's message, for the id an error frame echoes */
    private CompletionStage<Void> broadcast(Connection<U> connection, C message, String text) {
        return continueOnExecutor(callHandler("handleBroadcastMessage", () -> handler.handleBroadcastMessage(message, connection)), (event, failure) -> {
            if (failure != null || event == null) {
                reportFailure(connection, "handleBroadcastMessage", failure != null ? failure : nullOptional(), text);
                return DONE;
            }
            if (event.isEmpty()) {
                return DONE;
            }
            String payload;
            try {
                payload = codec.encode(event.get());
            } catch (RuntimeException e) {
                Messages.encodingFailed("event", connection.id(), e);
                sendError(connection, ErrorReason.INTERNAL, text);
                return DONE;
            }
            String published = event.get() instanceof ExcludesSender ? BusMessages.excluding(connection.id(), payload) : payload;
            // The next message need not wait for the bus's answer: the bus keeps a topic's publishes
            // in order. A failure still reaches the sender, possibly after answers to later messages.
            invoke(() -> bus.publish(connection.topic(), published)).whenComplete((ignored, publishFailure) -> {
                if (publishFailure != null) {
                    Messages.publishFailed(connection.topic(), Stages.unwrap(publishFailure));
                    sendError(connection, ErrorReason.BROADCAST_FAILED, text);
                }
            });
            return DONE;
        });
    }

    private void sendReply(Connection<U> connection, Object reply, String text) {
        String frame;
        try {
            frame = codec.encode(reply);
        } catch (RuntimeException e) {
            Messages.encodingFailed("direct reply", connection.id(), e);
            sendError(connection, ErrorReason.INTERNAL, text);
            return;
        }
        connection.outbound().offer(frame);
    }

    /** @param text the client's message the failure answers, or null (onConnect) */
    private void reportFailure(Connection<U> connection, String method, Throwable failure, String text) {
        Throwable cause = Stages.unwrap(failure);
        if (cause instanceof HandlerException handlerException) {
            sendError(connection, ErrorReason.APPLICATION, handlerException.clientMessage(), text);
        } else if (cause instanceof HandlerTimeoutException) {
            Messages.handlerTimedOut(method, handlerName, connection.id(), limits.handlerTimeoutMs());
            sendError(connection, ErrorReason.HANDLER_TIMEOUT, text);
        } else {
            Messages.handlerFailed(method, handlerName, connection.id(), cause);
            sendError(connection, ErrorReason.INTERNAL, text);
        }
    }

    /** @param text the client's message the error answers (its id is echoed), or null */
    private void sendError(Connection<U> connection, ErrorReason reason, String text) {
        sendError(connection, reason, ErrorFrames.MESSAGES.get(reason), text);
    }

    /** @param message the default frame's message, fit for the client */
    private void sendError(Connection<U> connection, ErrorReason reason, String message, String text) {
        metrics.errorFrameSent(reason);
        connection.outbound().offer(errors.frame(reason, message, text));
    }

    /**
     * Continues with {@code next} once the stage is complete: right away on this thread when it already
     * is, otherwise on the executor, so handler code never runs on a thread that completed a user stage.
     */
    private <T, R> CompletableFuture<R> continueOnExecutor(CompletionStage<T> stage,
            BiFunction<? super T, Throwable, ? extends CompletionStage<R>> next) {
        CompletableFuture<T> future = Stages.toFuture(stage);
        CompletableFuture<? extends CompletionStage<R>> step = future.isDone()
                ? future.handle(next)
                : future.handleAsync(next, executor);
        return step.thenCompose(Function.identity());
    }

    /** Tells the lifecycle listener (CDI observers) something; whatever it throws stays here. */
    private void tell(Runnable notification) {
        try {
            notification.run();
        } catch (RuntimeException e) {
            Messages.unexpected("a lifecycle event observer", e);
        }
    }

    /**
     * Calls a handler method within {@code realtime.handler-timeout-ms} (see {@link #invoke}) and tells
     * the metrics how long its stage took.
     *
     * @param method the method's name, for the metrics: a constant
     */
    private <T> CompletionStage<T> callHandler(String method, Supplier<? extends CompletionStage<T>> call) {
        long started = System.nanoTime();
        CompletionStage<T> stage = invoke(call);
        CompletionStage<T> bounded = limits.handlerTimeoutMs() == 0 ? stage : Stages.withTimeout(stage, limits.handlerTimeoutMs());
        return bounded.whenComplete((result, failure) ->
                metrics.handlerCompleted(method, System.nanoTime() - started, failure != null));
    }

    /** Calls a handler method; a thrown exception or a null stage becomes a failed stage. */
    static <T> CompletionStage<T> invoke(Supplier<? extends CompletionStage<T>> call) {
        return Stages.call(call);
    }

    private static NullPointerException nullOptional() {
        return new NullPointerException("The handler's stage completed with null instead of an Optional");
    }

}
