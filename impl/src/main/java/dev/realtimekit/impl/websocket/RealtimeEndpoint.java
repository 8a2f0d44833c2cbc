package dev.realtimekit.impl.websocket;

import java.nio.ByteBuffer;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;

import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.dispatch.Dispatcher;
import dev.realtimekit.impl.i18n.Messages;

/**
 * The WebSocket endpoint adapter: one instance per connection, created by the handshake for an
 * authenticated user and topic. It only moves frames between the container and the
 * {@link Dispatcher}; it never runs handler code on the container's thread.
 */
final class RealtimeEndpoint extends Endpoint {

    private final Dispatcher<?, ?, Object> dispatcher;
    private final RealtimeConfig config;
    private final Object userId;
    private final String topic;
    private volatile Connection<Object> connection;

    RealtimeEndpoint(Dispatcher<?, ?, Object> dispatcher, RealtimeConfig config, Object userId, String topic) {
        this.dispatcher = dispatcher;
        this.config = config;
        this.userId = userId;
        this.topic = topic;
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
        session.setMaxTextMessageBufferSize(config.maxMessageSize());
        session.setMaxIdleTimeout(config.idleTimeoutMs());
        Connection<Object> opened = dispatcher.open(userId, topic,
                new SessionOutbound(session, config.sendQueueCapacity(), config.sendTimeoutMs()));
        connection = opened;
        session.addMessageHandler(String.class, text -> dispatcher.message(opened, text));
        session.addMessageHandler(ByteBuffer.class, bytes -> dispatcher.binaryMessage(opened));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        Connection<Object> current = connection;
        if (current != null) {
            dispatcher.closed(current);
        }
    }

    @Override
    public void onError(Session session, Throwable failure) {
        Connection<Object> current = connection;
        Messages.LOG.fine(() -> "WebSocket error on connection " + (current == null ? session.getId() : current.id())
                + ": " + failure);
        if (current != null && !session.isOpen()) {
            dispatcher.closed(current);
        }
    }
}
