package dev.realtimekit.test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.opentest4j.AssertionFailedError;

import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.dispatch.Dispatcher;

/**
 * One client connected to a {@link SimulatedNode}: it sends text frames as a WebSocket client would
 * and keeps every frame the server sends, in order, until the test takes them.
 *
 * <p>What it goes through is the kit's own dispatcher: messages are handled one after the other in
 * arrival order after {@code onConnect}, a direct reply goes to this client only, a broadcast event to
 * every subscriber of the topic on every node (this client included), failures become the documented
 * error frames, and limits (pending messages, rate limit, message size) answer as on a server. It reads
 * faster than any server writes, so it is never a slow consumer.
 *
 * <p>Threads: any thread may call any method. Methods that wait do so for at most the kit's timeout
 * ({@link RealtimeTestKit.Builder#timeout}) unless given their own, and then fail with an
 * {@link AssertionFailedError} that names the connection.
 */
public final class SimulatedClient implements AutoCloseable {

    private final Dispatcher<Object, Object, Object> dispatcher;
    private final Connection<Object> connection;
    private final ClientOutbound outbound;
    private final int maxMessageSize;
    private final Duration timeout;

    SimulatedClient(Dispatcher<Object, Object, Object> dispatcher, Connection<Object> connection, ClientOutbound outbound,
            int maxMessageSize, Duration timeout) {
        this.dispatcher = dispatcher;
        this.connection = connection;
        this.outbound = outbound;
        this.maxMessageSize = maxMessageSize;
        this.timeout = timeout;
    }

    /** @return the connection's id, as {@code ConnectionContext.connectionId()} gives it to the handler */
    public String connectionId() {
        return connection.connectionId();
    }

    /** @return the user id the token validator produced for this connection */
    public Object userId() {
        return connection.userId();
    }

    /** @return the topic of the handshake */
    public String topic() {
        return connection.topic();
    }

    /**
     * Sends a text frame. A frame larger than {@code realtime.max-message-size} (in UTF-8 bytes)
     * closes the connection with 1009, as on a server.
     *
     * @throws IllegalStateException when the connection is closed
     */
    public void send(String text) {
        requireOpen();
        if (text.getBytes(StandardCharsets.UTF_8).length > maxMessageSize) {
            outbound.close(1009, "Message too big");
            return;
        }
        dispatcher.message(connection, text);
    }

    /**
     * Sends a binary frame, which the kit answers with an error frame.
     *
     * @throws IllegalStateException when the connection is closed
     */
    public void sendBinary() {
        requireOpen();
        dispatcher.binaryMessage(connection);
    }

    /** @return the next frame the server sent, waiting for it up to the kit's timeout */
    public String nextFrame() {
        return nextFrame(timeout);
    }

    /** @return the next frame the server sent, waiting for it up to {@code within} */
    public String nextFrame(Duration within) {
        String frame = poll(within);
        if (frame == null) {
            throw new AssertionFailedError("no frame within " + within.toMillis() + " ms on " + this
                    + (outbound.isOpen() ? "" : " (closed: " + outbound.closeStatus().getNow(null) + ")"));
        }
        return frame;
    }

    /** @return the next {@code count} frames, in the order the server sent them */
    public List<String> nextFrames(int count) {
        List<String> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            frames.add(nextFrame());
        }
        return frames;
    }

    /**
     * Takes the next frame and checks that it is {@code expectedJson} as JSON: member order and white
     * space do not count, values and types do.
     *
     * @throws AssertionFailedError when it differs (with both frames) or none came in time
     * @throws IllegalArgumentException when {@code expectedJson} is not JSON
     */
    public void expectFrame(String expectedJson) {
        if (JsonFrames.parse(expectedJson) == null) {
            throw new IllegalArgumentException("the expected frame is not JSON: " + expectedJson);
        }
        String frame = nextFrame();
        if (!JsonFrames.sameJson(expectedJson, frame)) {
            throw new AssertionFailedError("unexpected frame on " + this + ": expected <" + expectedJson + "> but was <"
                    + frame + ">", expectedJson, frame);
        }
    }

    /**
     * Checks that no frame arrives within {@code quiet}; frames taken before are not counted. Use it
     * for what must not happen (a message to others only, a refused broadcast), after the frames that
     * must.
     */
    public void expectNoFrame(Duration quiet) {
        String frame = poll(quiet);
        if (frame != null) {
            throw new AssertionFailedError("expected no frame within " + quiet.toMillis() + " ms on " + this + ", got " + frame);
        }
    }

    /** @return the next frame, or null when none came within {@code within} */
    private String poll(Duration within) {
        try {
            return outbound.frames().poll(within.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting for a frame on " + this);
        }
    }

    /** @return how the server closed this connection, waiting for it up to the kit's timeout */
    public CloseStatus awaitClose() {
        try {
            return outbound.closeStatus().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionFailedError("not closed within " + timeout.toMillis() + " ms: " + this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting for the close of " + this);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** @return whether frames still reach this client */
    public boolean isOpen() {
        return outbound.isOpen();
    }

    /** Closes normally (1000); see {@link #close(int, String)}. */
    @Override
    public void close() {
        close(1000, "");
    }

    /**
     * Closes from the client's side with a close frame and returns once the server has finished with
     * the connection: it is unsubscribed and the handler's {@code onDisconnect} has completed. Does
     * nothing more when the connection is closed already.
     */
    public void close(int code, String reason) {
        outbound.closedByClient(new CloseStatus(code, reason));
        dispatcher.closed(connection);
        awaitFinished();
    }

    /**
     * The client vanishes without a close frame (a network failure); returns once the server has
     * finished with the connection, as {@link #close(int, String)} does.
     */
    public void drop() {
        outbound.closedByClient(new CloseStatus(1006, ""));
        dispatcher.closed(connection);
        awaitFinished();
    }

    private void awaitFinished() {
        try {
            connection.finished().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionFailedError("onDisconnect did not complete within " + timeout.toMillis() + " ms: " + this);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private void requireOpen() {
        if (!outbound.isOpen()) {
            throw new IllegalStateException("the connection is closed: " + this);
        }
    }

    @Override
    public String toString() {
        return "connection " + connectionId() + " of user " + userId() + " on topic '" + topic() + "'";
    }
}
