package dev.realtimekit.impl.dispatch;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.realtimekit.HandlerException;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.i18n.Messages;
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

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final MessageHandler<C, E, U> handler;
    private final String handlerName;
    private final Type messageType;
    private final JsonCodec codec;
    private final TopicRegistry registry;
    private final EventBus bus;
    private final Executor executor;
    private final int maxPendingMessages;
    private final int sendQueueCapacity;
    private final Set<Connection<U>> open = ConcurrentHashMap.newKeySet();
    private final String tooManyPendingFrame;
    private final String broadcastFailedFrame;
    private final String binaryFrame;

    public Dispatcher(MessageHandler<C, E, U> handler, String handlerName, Type messageType, JsonCodec codec,
            TopicRegistry registry, EventBus bus, Executor executor, int maxPendingMessages, int sendQueueCapacity) {
        this.handler = handler;
        this.handlerName = handlerName;
        this.messageType = messageType;
        this.codec = codec;
        this.registry = registry;
        this.bus = bus;
        this.executor = executor;
        this.maxPendingMessages = maxPendingMessages;
        this.sendQueueCapacity = sendQueueCapacity;
        this.tooManyPendingFrame = codec.errorFrame(TOO_MANY_PENDING);
        this.broadcastFailedFrame = codec.errorFrame(BROADCAST_FAILED);
        this.binaryFrame = codec.errorFrame(BINARY_NOT_SUPPORTED);
    }

    /**
     * Creates a connection for a handshake that passed its checks, before the upgrade. Its frames are
     * kept until {@link #opened} attaches the session.
     */
    public Connection<U> prepare(U userId, String topic) {
        Connection<U> connection = new Connection<>(userId, topic, new DeferredOutbound(sendQueueCapacity), codec,
                new SerialQueue(executor));
        open.add(connection);
        return connection;
    }

    /**
     * Subscribes a prepared connection to its topic before the upgrade, so that the client is
     * subscribed when its socket opens.
     *
     * @return a stage that completes when the subscription is confirmed; when it fails the connection
     *     is already abandoned
     */
    public CompletionStage<Void> subscribe(Connection<U> connection) {
        return registry.add(connection).whenComplete((ignored, failure) -> {
            if (failure == null) {
                connection.markSubscribed();
            } else {
                abandon(connection);
            }
        });
    }

    /** Forgets a prepared connection whose upgrade did not happen; no handler method is called for it. */
    public void abandon(Connection<U> connection) {
        connection.outbound().closed();
        if (connection.markClosed()) {
            registry.remove(connection);
            open.remove(connection);
            connection.finished().complete(null);
        }
    }

    /**
     * The container opened the session of a prepared connection: its kept frames go out, and its
     * subscription (unless done before the upgrade) and onConnect are queued ahead of any message.
     */
    public void opened(Connection<U> connection, Outbound session) {
        connection.attach(session);
        connection.inbound().submit(() -> connect(connection));
    }

    /**
     * Creates and opens a connection at once (subscribing it in its connect task).
     *
     * @return the new connection
     */
    public Connection<U> open(U userId, String topic, Outbound outbound) {
        Connection<U> connection = prepare(userId, topic);
        opened(connection, outbound);
        return connection;
    }

    /** A text frame arrived: queues it behind the connection's earlier messages, or refuses it when too many wait. */
    public void message(Connection<U> connection, String text) {
        if (connection.isClosed()) {
            return; // arrived after the kit closed the connection (shutdown): onDisconnect is already queued
        }
        if (!connection.inbound().submit(() -> handle(connection, text), maxPendingMessages)) {
            connection.outbound().offer(tooManyPendingFrame);
        }
    }

    /** A binary frame arrived: answered with an error frame; the connection stays open. */
    public void binaryMessage(Connection<U> connection) {
        connection.outbound().offer(binaryFrame);
    }

    /** The client has gone (any reason); safe to call more than once. */
    public void closed(Connection<U> connection) {
        connection.outbound().closed();
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
        CompletionStage<Void> subscribed = connection.isSubscribed() ? DONE : registry.add(connection);
        return continueOnExecutor(subscribed, (ignored, failure) -> {
            if (failure != null) {
                Messages.subscribeFailed(connection.topic(), connection.id(), Stages.unwrap(failure));
                connection.outbound().offer(codec.internalErrorFrame());
                connection.outbound().close(1011, "Subscription failed");
                return DONE;
            }
            if (!connection.isOpen()) {
                registry.remove(connection);
                return DONE;
            }
            connection.markConnected();
            return continueOnExecutor(invoke(() -> handler.onConnect(connection)), (result, connectFailure) -> {
                if (connectFailure != null) {
                    reportFailure(connection, "onConnect", connectFailure);
                    connection.outbound().close(1011, "Connection setup failed");
                }
                return DONE;
            });
        });
    }

    private CompletionStage<Void> disconnect(Connection<U> connection) {
        registry.remove(connection);
        CompletionStage<Void> done = !connection.connected() ? DONE
                : invoke(() -> handler.onDisconnect(connection)).handle((result, failure) -> {
                    if (failure != null) {
                        Messages.lifecycleFailed("onDisconnect", handlerName, connection.id(), Stages.unwrap(failure));
                    }
                    return null;
                });
        return done.whenComplete((result, failure) -> {
            open.remove(connection);
            connection.finished().complete(null);
        });
    }

    private CompletionStage<Void> handle(Connection<U> connection, String text) {
        C message;
        try {
            message = codec.decode(text, messageType);
        } catch (RuntimeException e) {
            connection.outbound().offer(codec.invalidFormatFrame());
            return DONE;
        }
        return continueOnExecutor(invoke(() -> handler.handleDirectMessage(message, connection)), (reply, failure) -> {
            if (failure != null || reply == null) {
                reportFailure(connection, "handleDirectMessage", failure != null ? failure : nullOptional());
                return DONE;
            }
            if (reply.isPresent()) {
                sendReply(connection, reply.get());
                return DONE;
            }
            return broadcast(connection, message);
        }).exceptionally(unexpected -> {
            Messages.unexpected("dispatching a message of connection " + connection.id(), unexpected);
            return null;
        });
    }

    private CompletionStage<Void> broadcast(Connection<U> connection, C message) {
        return continueOnExecutor(invoke(() -> handler.handleBroadcastMessage(message, connection)), (event, failure) -> {
            if (failure != null || event == null) {
                reportFailure(connection, "handleBroadcastMessage", failure != null ? failure : nullOptional());
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
                connection.outbound().offer(codec.internalErrorFrame());
                return DONE;
            }
            return invoke(() -> bus.publish(connection.topic(), payload)).handle((published, publishFailure) -> {
                if (publishFailure != null) {
                    Messages.publishFailed(connection.topic(), Stages.unwrap(publishFailure));
                    connection.outbound().offer(broadcastFailedFrame);
                }
                return null;
            });
        });
    }

    private void sendReply(Connection<U> connection, Object reply) {
        String frame;
        try {
            frame = codec.encode(reply);
        } catch (RuntimeException e) {
            Messages.encodingFailed("direct reply", connection.id(), e);
            frame = codec.internalErrorFrame();
        }
        connection.outbound().offer(frame);
    }

    private void reportFailure(Connection<U> connection, String method, Throwable failure) {
        Throwable cause = Stages.unwrap(failure);
        if (cause instanceof HandlerException handlerException) {
            connection.outbound().offer(codec.errorFrame(handlerException.clientMessage()));
        } else {
            Messages.handlerFailed(method, handlerName, connection.id(), cause);
            connection.outbound().offer(codec.internalErrorFrame());
        }
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

    /** Calls a handler method; a thrown exception or a null stage becomes a failed stage. */
    static <T> CompletionStage<T> invoke(Supplier<? extends CompletionStage<T>> call) {
        try {
            CompletionStage<T> stage = call.get();
            return stage != null ? stage : CompletableFuture.failedFuture(
                    new NullPointerException("The handler returned null instead of a CompletionStage"));
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static NullPointerException nullOptional() {
        return new NullPointerException("The handler's stage completed with null instead of an Optional");
    }

}
