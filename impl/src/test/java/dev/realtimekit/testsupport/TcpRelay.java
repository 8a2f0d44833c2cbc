package dev.realtimekit.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of a redis-server, as a load balancer, a sidecar or a TLS terminator stands
 * in front of Redis: it accepts every connection itself and forwards it both ways. While Redis
 * refuses connections (it is down), the relay holds each client connection open, answering nothing,
 * for {@code hold}, then closes it: a proxy waiting for its backend. A client that takes an accepted
 * TCP connection for a connection to Redis writes into nothing meanwhile.
 *
 * <p>{@link #freezeOpenConnections()} makes the connections open at that moment go silent for good,
 * nothing closed: what the client sends is dropped and nothing comes back, as when the network path
 * or the host behind it vanished without a reset. Connections opened later are forwarded normally.
 */
public final class TcpRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int redisPort;
    private final Duration hold;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    /** The client sockets of the connections frozen so far. */
    private final Set<Socket> frozen = ConcurrentHashMap.newKeySet();
    private final Set<Socket> forwarding = ConcurrentHashMap.newKeySet();
    private final AtomicInteger held = new AtomicInteger();

    private TcpRelay(int redisPort, Duration hold) throws IOException {
        this.redisPort = redisPort;
        this.hold = hold;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("tcp-relay-accept", this::accept);
    }

    /** @return a relay to the redis-server on {@code redisPort} on this host */
    public static TcpRelay to(int redisPort, Duration hold) throws IOException {
        return new TcpRelay(redisPort, hold);
    }

    /** @return the Redis address of the relay, for Redisson */
    public String address() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** @return how many connections the relay accepted while Redis refused, so far */
    public int held() {
        return held.get();
    }

    /** @return how many open connections went silent */
    public int freezeOpenConnections() {
        frozen.addAll(forwarding);
        return frozen.size();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            sockets.add(client);
            Socket redis;
            try {
                redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
            } catch (IOException refused) {
                held.incrementAndGet();
                daemon("tcp-relay-hold", () -> holdThenClose(client));
                continue;
            }
            sockets.add(redis);
            forwarding.add(client);
            daemon("tcp-relay-up", () -> pump(client, redis, client));
            daemon("tcp-relay-down", () -> pump(redis, client, client));
        }
    }

    private void holdThenClose(Socket client) {
        try {
            Thread.sleep(hold.toMillis()); // the relay's backend connect timeout, as the simulated proxy has one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(client);
    }

    /** Forwards {@code from} to {@code to} while the connection of {@code client} is not frozen, then drops what comes. */
    private void pump(Socket from, Socket to, Socket client) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!frozen.contains(client)) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            forwarding.remove(client);
            // A frozen connection closes only when its client closes it: nothing from Redis reaches it.
            if (!frozen.contains(client) || from == client) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }
    }

    private void closeQuietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void daemon(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws IOException {
        server.close();
        sockets.forEach(this::closeQuietly);
    }
}
