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
 */
public final class HoldingRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int redisPort;
    private final Duration hold;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger held = new AtomicInteger();

    private HoldingRelay(int redisPort, Duration hold) throws IOException {
        this.redisPort = redisPort;
        this.hold = hold;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("holding-relay-accept", this::accept);
    }

    /** @return a relay to the redis-server on {@code redisPort} on this host */
    public static HoldingRelay to(int redisPort, Duration hold) throws IOException {
        return new HoldingRelay(redisPort, hold);
    }

    /** @return the Redis address of the relay, for Redisson */
    public String address() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** @return how many connections the relay accepted while Redis refused, so far */
    public int held() {
        return held.get();
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
                daemon("holding-relay-hold", () -> holdThenClose(client));
                continue;
            }
            sockets.add(redis);
            daemon("holding-relay-up", () -> pump(client, redis));
            daemon("holding-relay-down", () -> pump(redis, client));
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

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
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
