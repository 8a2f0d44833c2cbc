package dev.realtimekit.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The JDK {@code java.net.http} WebSocket client: about 15-30 µs of CPU per received message. */
final class JdkTransport implements Transport {

    /** Sockets per HttpClient: each client has one selector thread, which must not become the limit. */
    private static final int SOCKETS_PER_CLIENT = 250;

    private final List<HttpClient> clients = new ArrayList<>();
    private final AtomicInteger opened = new AtomicInteger();

    JdkTransport(int sockets) {
        int clientCount = (sockets + SOCKETS_PER_CLIENT - 1) / SOCKETS_PER_CLIENT;
        for (int c = 0; c < Math.max(1, clientCount); c++) {
            // Runnable::run: each client's selector thread reads, decodes and accounts its sockets' frames itself.
            // Handing every read to a pool thread cost more CPU and latency on 2 cores (W2: 106% vs 90% of a core,
            // W3 p50 2.0 vs 1.2 ms); the listener never blocks, so nothing waits on the selector thread.
            clients.add(HttpClient.newBuilder().executor(Runnable::run).connectTimeout(CONNECT_TIMEOUT).build());
        }
    }

    @Override
    public CompletableFuture<Void> open(URI uri, Connection connection) {
        HttpClient client = clients.get(Math.floorMod(opened.getAndIncrement() / SOCKETS_PER_CLIENT, clients.size()));
        return client.newWebSocketBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .buildAsync(uri, new JdkLink(connection))
                .thenApply(ws -> null);
    }

    @Override
    public String name() {
        return "jdk";
    }

    @Override
    public String refusal(Throwable failure) {
        return failure instanceof WebSocketHandshakeException h ? "HTTP " + h.getResponse().statusCode() : null;
    }

    @Override
    public void close() {
        // HttpClient has no close() before Java 21; its threads end with the JVM.
    }
}
