package dev.realtimekit.impl.websocket;

import java.nio.ByteBuffer;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;

import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.dispatch.Dispatcher;
import dev.realtimekit.impl.i18n.Messages;

/**
 * The WebSocket endpoint adapter: one instance per connection, created by the handshake for a
 * connection that is already authenticated and subscribed. It only moves frames between the
 * container and the {@link Dispatcher}; it never runs handler code on the container's thread.
 */
final class RealtimeEndpoint extends Endpoint {

    private final Dispatcher<?, ?, Object> dispatcher;
    private final RealtimeConfig config;
    private final Connection<Object> connection;
    private volatile boolean opened;

    RealtimeEndpoint(Dispatcher<?, ?, Object> dispatcher, RealtimeConfig config, Connection<Object> connection) {
        this.dispatcher = dispatcher;
        this.config = config;
        this.connection = connection;
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
        session.setMaxTextMessageBufferSize(config.maxMessageSize());
        session.setMaxIdleTimeout(config.idleTimeoutMs());
        session.addMessageHandler(String.class, text -> dispatcher.message(connection, text));
        session.addMessageHandler(ByteBuffer.class, bytes -> dispatcher.binaryMessage(connection));
        SessionOutbound outbound = new SessionOutbound(session, config.sendQueueCapacity(), config.sendTimeoutMs(),
                config.sendWindowBytes());
        session.addMessageHandler(PongMessage.class, pong -> outbound.pong(pong.getApplicationData()));
        dispatcher.opened(connection, outbound);
        opened = true;
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        dispatcher.closed(connection);
    }

    @Override
    public void onError(Session session, Throwable failure) {
        Messages.LOG.fine(() -> "WebSocket error on connection " + connection.id() + ": " + failure);
        if (opened && !session.isOpen()) {
            dispatcher.closed(connection);
        }
    }
}
