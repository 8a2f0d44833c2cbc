package dev.realtimekit;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The application's logic for one WebSocket endpoint: what happens when a client connects, sends a
 * message, and leaves.
 *
 * <p>Implement it once, as a CDI bean ({@code @ApplicationScoped}, {@code @Singleton} or
 * {@code @Dependent}), with concrete type arguments. The kit finds the bean at deployment, registers
 * the endpoint at {@code realtime.path} (default {@code /ws/{topic}}) and reads the type arguments
 * from the bean's class: every text frame a client sends is deserialized to {@code C} with JSON-B,
 * and every event is serialized with JSON-B.
 *
 * <pre>{@code
 * @ApplicationScoped
 * public class ChatHandler implements MessageHandler<ClientMessage, ServerEvent, UUID> {
 *     public CompletionStage<Optional<ServerEvent>> handleBroadcastMessage(
 *             ClientMessage message, ConnectionContext<UUID> ctx) {
 *         return CompletableFuture.completedFuture(Optional.of(new Said(ctx.userId(), message.text())));
 *     }
 * }
 * }</pre>
 *
 * <h2>Lifecycle and concurrency</h2>
 * <ol>
 *   <li>The handshake is authenticated by the application's {@link TokenValidator} and, if there is
 *       one, checked by its {@link TopicAuthorizer}; a refused handshake never reaches this handler.
 *   <li>Before the handshake completes, the connection is registered and subscribed to its topic
 *       (with a cluster bus: the subscription is confirmed), so the client receives every event
 *       published to the topic from the moment its socket opens. Then {@link #onConnect} is called.
 *   <li>Each text frame is deserialized and passed to {@link #handleDirectMessage}; if that yields no
 *       reply, the same message is passed to {@link #handleBroadcastMessage}.
 *   <li>After the client has gone (close frame, network failure, server shutdown),
 *       {@link #onDisconnect} is called exactly once.
 * </ol>
 * <p>{@code onConnect} and {@code onDisconnect} come in pairs: {@code onDisconnect} is called exactly
 * once for every connection {@code onConnect} was called for, and never for the others (a client that
 * left before its subscription was confirmed, or whose subscription failed).
 * <p>All methods are called on a managed executor thread, never on the container's I/O thread. For
 * one connection the calls are strictly sequential: the next message is dispatched only after the
 * stage returned for the previous one has completed, so messages are handled in arrival order and
 * {@code onConnect} completes before the first message is handled. Different connections are handled
 * concurrently, so an implementation shared between connections must be thread-safe. Blocking inside
 * a method holds a managed thread; prefer returning a stage that completes later.
 *
 * <h2>Failures</h2>
 * <p>A message method fails when it throws, returns {@code null} instead of a stage, or returns a stage
 * that completes exceptionally. The sender then receives an error frame
 * {@code {"type":"error","message":"..."}} and nothing is broadcast; the connection stays open. The
 * message is the {@link HandlerException#clientMessage() client message} of a {@link HandlerException}
 * and {@code "Internal server error"} for anything else (which is logged, never shown to the client).
 * A failed {@link #onConnect} sends the same error frame and closes the connection with code 1011.
 * Failures of {@link #onDisconnect} are logged.
 *
 * @param <C> the type of the messages clients send (deserialized from JSON with JSON-B)
 * @param <E> the type of the events broadcast to a topic (serialized to JSON with JSON-B)
 * @param <U> the type of the user id that the {@link TokenValidator} produces
 */
public interface MessageHandler<C, E, U> {

    /**
     * Called once per connection after it has been registered and subscribed to its topic; messages
     * from the client wait until the returned stage completes.
     *
     * @param ctx the new connection
     * @return a stage that completes when the handler is done; the default is already complete
     */
    default CompletionStage<Void> onConnect(ConnectionContext<U> ctx) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Handles a message that is answered to its sender only, such as a query or a ping.
     *
     * <p>A present value is serialized with JSON-B and sent to the sender alone, and
     * {@link #handleBroadcastMessage} is not called. An empty value falls through to
     * {@link #handleBroadcastMessage} with the same message. The default returns empty.
     *
     * @param message the deserialized client message, never {@code null}
     * @param ctx the sender's connection
     * @return a stage with the reply to send, or empty to fall through to the broadcast handler
     */
    default CompletionStage<? extends Optional<?>> handleDirectMessage(C message, ConnectionContext<U> ctx) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    /**
     * Handles a message that may change shared state and be announced to the topic.
     *
     * <p>A present event is serialized once and published to the connection's topic: every connection
     * subscribed to that topic receives it, the sender included, on every node of the cluster. An
     * empty value means the message was handled and nothing is broadcast. If publishing fails (for
     * example the cluster bus is unreachable), the sender receives the error frame
     * {@code "Failed to broadcast event"}.
     *
     * @param message the deserialized client message, never {@code null}
     * @param ctx the sender's connection
     * @return a stage with the event to broadcast, or empty
     */
    CompletionStage<Optional<E>> handleBroadcastMessage(C message, ConnectionContext<U> ctx);

    /**
     * Called exactly once per connection that {@link #onConnect} was called for, after the client has
     * gone and after every message received before that has been handled. The connection is no longer
     * subscribed; sending to it fails.
     *
     * @param ctx the closed connection
     * @return a stage that completes when the handler is done; the default is already complete
     */
    default CompletionStage<Void> onDisconnect(ConnectionContext<U> ctx) {
        return CompletableFuture.completedFuture(null);
    }
}
