package dev.realtimekit.impl.websocket;

import java.io.IOException;
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
import dev.realtimekit.impl.metrics.RealtimeMetrics;

/**
 * The WebSocket endpoint adapter: one instance per connection, created by the handshake for a
 * connection that is already authenticated and subscribed. It only moves frames between the
 * container and the {@link Dispatcher}; it never runs handler code on the container's thread.
 */
final class RealtimeEndpoint extends Endpoint {

    /** Close code for a text message, whole or in fragments, larger than {@code realtime.max-message-size}. */
    static final int MESSAGE_TOO_BIG = 1009;

    /** Close code for a session that opened after its connection was dropped (see {@link Heartbeat}): reconnect. */
    static final int TRY_AGAIN_LATER = 1013;

    private final Dispatcher<?, ?, Object> dispatcher;
    private final RealtimeConfig config;
    private final Connection<Object> connection;
    private final Heartbeat heartbeat;
    private final RealtimeMetrics metrics;
    private volatile SessionOutbound outbound;

    RealtimeEndpoint(Dispatcher<?, ?, Object> dispatcher, RealtimeConfig config, Connection<Object> connection,
            Heartbeat heartbeat) {
        this(dispatcher, config, connection, heartbeat, RealtimeMetrics.NONE);
    }

    RealtimeEndpoint(Dispatcher<?, ?, Object> dispatcher, RealtimeConfig config, Connection<Object> connection,
            Heartbeat heartbeat, RealtimeMetrics metrics) {
        this.metrics = metrics;
        this.dispatcher = dispatcher;
        this.config = config;
        this.connection = connection;
        this.heartbeat = heartbeat;
    }

    @Override
    public void onOpen(Session session, EndpointConfig endpointConfig) {
        session.setMaxTextMessageBufferSize(config.maxMessageSize());
        session.setMaxIdleTimeout(config.idleTimeoutMs());
        SessionOutbound opened = new SessionOutbound(session, config.sendQueueCapacity(), config.sendQueueBytes(),
                config.sendTimeoutMs(), config.sendWindowBytes(), metrics, SessionOutbound.PONG_WAIT_NANOS, heartbeat.executor());
        // Attach (and queue onConnect) before any message handler exists, so no message overtakes onConnect.
        if (!dispatcher.opened(connection, opened)) {
            closeExpired(session);
            return;
        }
        outbound = opened;
        metrics.connectionOpened();
        Messages.connectionOpened(connection.id());
        heartbeat.add(opened, () -> dispatcher.lost(connection));
        // Each handler runs on the container's read thread, which must not read on while a close is
        // being written (SessionOutbound.holdReadingWhileClosing).
        session.addMessageHandler(String.class, new TextAssembler(config.maxMessageSize(), text -> {
            opened.heard();
            dispatcher.message(connection, text);
            opened.holdReadingWhileClosing();
        }, () -> {
            opened.heard();
            opened.close(MESSAGE_TOO_BIG, "Message too big");
            opened.holdReadingWhileClosing();
        }));
        session.addMessageHandler(ByteBuffer.class, bytes -> {
            opened.heard();
            dispatcher.binaryMessage(connection);
            opened.holdReadingWhileClosing();
        });
        session.addMessageHandler(PongMessage.class, pong -> opened.pong(pong.getApplicationData()));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        SessionOutbound opened = outbound;
        if (opened != null) {
            // Before the container writes its close frame: see SessionOutbound's comment on blocking writes.
            opened.containerClosing();
            int code = closeReason.getCloseCode().getCode();
            metrics.connectionClosed(code);
            Messages.connectionClosed(connection.id(), code);
        }
        forgetSession();
        dispatcher.closed(connection);
    }

    @Override
    public void onError(Session session, Throwable failure) {
        Messages.LOG.fine(() -> "WebSocket error on connection " + connection.id() + ": " + failure);
        if (outbound != null && !session.isOpen()) {
            forgetSession();
            dispatcher.closed(connection);
        }
    }

    private void forgetSession() {
        SessionOutbound opened = outbound;
        if (opened != null) {
            heartbeat.remove(opened);
        }
    }

    /** The connection was dropped before its session opened: nothing would ever reach this session. */
    private void closeExpired(Session session) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(TRY_AGAIN_LATER), "Connection expired"));
        } catch (IOException | RuntimeException e) {
            Messages.LOG.fine(() -> "Closing an expired session failed: " + e);
        }
    }
}
