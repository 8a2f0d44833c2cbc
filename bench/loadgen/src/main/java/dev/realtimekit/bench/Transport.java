package dev.realtimekit.bench;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A WebSocket client library: opens sockets whose frames go to a {@link Connection}. */
interface Transport extends AutoCloseable {

    Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Starts the handshake; completes once the socket is open and {@code connection} has its {@link Link}. */
    CompletableFuture<Void> open(URI uri, Connection connection);

    /** What carries the sockets, for the results: "jdk", "netty-epoll", "netty-nio". */
    String name();

    /** "HTTP nnn" when {@code failure} is this library's refused handshake, else null. */
    String refusal(Throwable failure);

    /** Releases the library's threads; sockets still open are dropped. */
    @Override
    void close();

    /** @param sockets how many sockets the run opens (the JDK client spreads them over several HttpClients) */
    static Transport named(String name, int threads, int sockets) {
        return switch (name) {
            case "netty" -> new NettyTransport(threads);
            case "jdk" -> new JdkTransport(sockets);
            default -> throw new IllegalArgumentException("--client must be netty or jdk, not " + name);
        };
    }
}
