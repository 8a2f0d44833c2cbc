package dev.realtimekit.bench;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A {@link Connection}'s socket on the JDK client: joins text fragments, chains the sends (one outstanding at a time). */
final class JdkLink implements WebSocket.Listener, Link {

    private final Connection connection;
    private volatile WebSocket socket;
    private StringBuilder partial;
    // The JDK WebSocket allows one outstanding send per socket: each send waits for the previous one.
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    JdkLink(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
        connection.opened(this);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        if (!last) {
            if (partial == null) {
                partial = new StringBuilder();
            }
            partial.append(data);
        } else if (partial != null) {
            String frame = partial.append(data).toString();
            partial = null;
            connection.onText(frame);
        } else {
            connection.onText(data.toString());
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        connection.unexpected("binary frame of " + data.remaining() + " bytes");
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        connection.gone("close " + statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        connection.gone(error.toString());
    }

    /** Queues one text frame behind the ones not yet written; the queue has no bound (the JDK client's behaviour). */
    @Override
    public void send(String text) {
        WebSocket ws = socket;
        synchronized (this) {
            tail = tail.thenCompose(previous -> ws.sendText(text, true))
                    .exceptionally(failure -> {
                        connection.sendFailed(failure);
                        return null;
                    });
        }
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public void abort() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }
}
