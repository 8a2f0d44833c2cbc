package dev.realtimekit;

import java.util.concurrent.CompletionStage;

/**
 * One client connection, as the {@link MessageHandler} sees it.
 *
 * <p>Instances are created by the kit and are safe to use from any thread, also after the handler
 * method that received them has returned (for example to push a late reply).
 *
 * @param <U> the type of the user id produced by the {@link TokenValidator}
 */
public interface ConnectionContext<U> {

    /** @return the connection's id: a random UUID, unique for the lifetime of the application */
    String connectionId();

    /** @return the authenticated user's id, as returned by the {@link TokenValidator} */
    U userId();

    /** @return the topic this connection is subscribed to (the {@code {topic}} path segment) */
    String topic();

    /**
     * Sends a value to this client only.
     *
     * <p>The value is serialized with JSON-B on the calling thread and queued behind everything already
     * queued for this connection (direct replies and broadcast events keep their order). The method
     * never blocks.
     *
     * @param message the value to serialize and send, not {@code null}
     * @return a stage that completes when the frame has been written to the network, or completes
     *     exceptionally when it could not be (connection closed, send queue full, write timeout,
     *     serialization failure)
     */
    CompletionStage<Void> send(Object message);

    /**
     * Broadcasts an event to every other subscriber of this connection's topic, on every node: the
     * same as returning it from {@link MessageHandler#handleBroadcastMessage}, without this connection.
     *
     * <p>The event is serialized with JSON-B on the calling thread; never blocks.
     *
     * @param event the value to serialize and publish, not {@code null}
     * @return a stage that completes when the bus accepted the event, or fails when it could not (as a
     *     broadcast does: Redis unreachable or too slow) or the event cannot be serialized; see
     *     {@link Broadcaster} for what a completed stage means
     */
    CompletionStage<Void> broadcastToOthers(Object event);

    /**
     * Closes the connection normally (code 1000) after the frames already queued have been written.
     *
     * @return a stage that completes when the close frame has been sent (or the connection was
     *     already closed)
     */
    CompletionStage<Void> close();

    /**
     * Closes the connection with the given code and reason after the frames already queued have been
     * written.
     *
     * @param code 1000 or an application code from 4000 to 4999
     * @param reason a short reason, at most 123 bytes in UTF-8; may be empty
     * @return a stage that completes when the close frame has been sent (or the connection was
     *     already closed)
     * @throws IllegalArgumentException if the code or the reason is not allowed
     */
    CompletionStage<Void> close(int code, String reason);

    /** @return whether the connection is still open (a snapshot: it may close at any time) */
    boolean isOpen();
}
