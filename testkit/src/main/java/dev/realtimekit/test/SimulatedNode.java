package dev.realtimekit.test;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.realtimekit.Broadcaster;
import dev.realtimekit.impl.broadcast.BusBroadcaster;
import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.dispatch.ConnectionLimitException;
import dev.realtimekit.impl.dispatch.Dispatcher;
import dev.realtimekit.impl.dispatch.Drain;
import dev.realtimekit.impl.registry.TopicNames;
import dev.realtimekit.impl.history.Position;
import dev.realtimekit.impl.websocket.HandshakeAuthenticator;

/**
 * One simulated server node: its own handler, token validator and topic authorizer instances (as a
 * real node has its own beans, and its own state in them), the kit's dispatcher and topic registry,
 * and a view of the bus it shares with the test's other nodes.
 *
 * <p>A handshake goes through the same checks, in the same order and with the same answers, as on a
 * server: the topic's form (400), the token validator (401, or a {@code HandlerException}'s status),
 * the topic authorizer (403/404), the connection limits (503/429), then the subscription, confirmed
 * before the client is connected. Origins and HTTP details are not simulated.
 *
 * <p>Thread-safe; {@link #connect} blocks for the handshake's checks, at most
 * {@code realtime.auth-timeout-ms}.
 */
public final class SimulatedNode {

    private final int index;
    private final RealtimeConfig config;
    private final EventBus bus;
    private final Dispatcher<Object, Object, Object> dispatcher;
    private final HandshakeAuthenticator authenticator;
    private final Broadcaster broadcaster;
    private final Executor containerThreads;
    private final Duration timeout;
    private volatile boolean stopped;

    SimulatedNode(int index, RealtimeConfig config, EventBus bus, Dispatcher<Object, Object, Object> dispatcher,
            HandshakeAuthenticator authenticator, JsonCodec codec, Executor containerThreads, Duration timeout) {
        this.index = index;
        this.config = config;
        this.bus = bus;
        this.dispatcher = dispatcher;
        this.authenticator = authenticator;
        this.broadcaster = new BusBroadcaster(bus, codec, config.maxTopicLength(), containerThreads);
        this.containerThreads = containerThreads;
        this.timeout = timeout;
    }

    /** @return this node's position in {@link RealtimeTestKit#nodes()}, from 0 */
    public int index() {
        return index;
    }

    /**
     * Opens a connection to {@code topic} with {@code token}, as {@code ws://node/ws/<topic>?token=<token>}
     * would. Returns once the client is subscribed and the handler's {@code onConnect} has completed
     * (or failed: then the client holds the error frame and is closed with 1011), so that whatever
     * {@code onConnect} sent or broadcast has happened; a real client cannot know that moment, a test
     * should.
     *
     * @param topic the topic, as it would be after URL decoding
     * @param token the token, or null for a handshake without one
     * @throws HandshakeRefusedException with the HTTP status a server answers
     */
    public SimulatedClient connect(String topic, String token) {
        return connect(topic, token, null);
    }

    /**
     * As {@link #connect(String, String)}, with the client's position in a history topic, as
     * {@code ?since=<epoch>:<seq>} would: the client's first frames are then the events it missed and
     * {@code recovered}, or {@code resync} (see the README's "History and recovery after reconnect").
     *
     * @param since {@code <epoch>:<seq>} from the frames the client got before, or null
     * @throws HandshakeRefusedException with 400 for a malformed position, or the HTTP status a server answers
     */
    public SimulatedClient connect(String topic, String token, String since) {
        if (stopped) {
            throw new HandshakeRefusedException(503, topic);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.authTimeoutMs());
        if (!TopicNames.isValid(topic, config.maxTopicLength())) {
            throw new HandshakeRefusedException(400, String.valueOf(topic));
        }
        Position position = since == null ? null : Position.parse(since);
        if (since != null && position == null) {
            throw new HandshakeRefusedException(400, topic);
        }
        HandshakeAuthenticator.Outcome outcome = authenticator.check(token, topic, deadline);
        if (!outcome.allowed()) {
            throw new HandshakeRefusedException(outcome.status(), topic);
        }
        Connection<Object> connection;
        try {
            connection = dispatcher.prepare(outcome.userId(), topic);
            dispatcher.recoverFrom(connection, position);
        } catch (ConnectionLimitException e) {
            throw new HandshakeRefusedException(e.status(), topic);
        }
        try {
            dispatcher.subscribe(connection).toCompletableFuture()
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            dispatcher.abandon(connection);
            throw new HandshakeRefusedException(503, topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dispatcher.abandon(connection);
            throw new HandshakeRefusedException(503, topic);
        }
        ClientOutbound outbound = new ClientOutbound(containerThreads);
        outbound.onClosedByServer(() -> dispatcher.closed(connection));
        if (!dispatcher.opened(connection, outbound)) {
            throw new HandshakeRefusedException(503, topic);
        }
        try {
            // Unlike a real client, the test knows when onConnect is done: what it sent has happened.
            dispatcher.afterQueued(connection).toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new org.opentest4j.AssertionFailedError("onConnect of " + topic + " did not complete within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        return new SimulatedClient(dispatcher, connection, outbound, config.maxMessageSize(), timeout);
    }

    /**
     * Expects the handshake to be refused and returns its HTTP status, for
     * {@code assertEquals(403, node.refusal("private-user-x", token))}.
     *
     * @throws org.opentest4j.AssertionFailedError when the handshake succeeds (its connection is closed again)
     */
    public int refusal(String topic, String token) {
        SimulatedClient client;
        try {
            client = connect(topic, token);
        } catch (HandshakeRefusedException e) {
            return e.status();
        }
        client.close();
        throw new org.opentest4j.AssertionFailedError("expected the handshake for '" + topic + "' to be refused, but "
                + client + " was accepted");
    }

    /**
     * @return what the application injects as {@link Broadcaster} on this node: publishes on the shared
     *     bus, so to every node's subscribers
     */
    public Broadcaster broadcaster() {
        return broadcaster;
    }

    /** @return the connections this node holds, closing ones whose onDisconnect has not finished included */
    public int openConnections() {
        return dispatcher.openConnections();
    }

    /**
     * Stops the node as a redeploy does: every connection is closed with 1012 (Service Restart), each
     * one's {@code onDisconnect} runs, and further handshakes get 503. Returns once every
     * {@code onDisconnect} has completed.
     */
    public void stop() {
        stopped = true;
        try {
            dispatcher.closeAll(Drain.SERVICE_RESTART, Drain.REASON).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new org.opentest4j.AssertionFailedError("onDisconnect of node " + index + "'s connections did not complete within "
                    + timeout.toMillis() + " ms; " + dispatcher.openConnections() + " left");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            bus.close();
        }
    }

    /** @return whether {@link #stop()} was called */
    public boolean isStopped() {
        return stopped;
    }

    @Override
    public String toString() {
        return "simulated node " + index;
    }
}
