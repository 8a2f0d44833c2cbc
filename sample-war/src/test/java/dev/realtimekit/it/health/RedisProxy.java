package dev.realtimekit.it.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy in front of a test's redis-server that can make a node "connected but deaf": it
 * forwards both ways until {@link #deafenSubscribers()}, after which, on every connection that
 * subscribed to something so far, it silently drops the messages Redis pushes to the node, and only
 * those: the replies to its commands still pass, as when Redis no longer has a channel
 * that Redisson believes subscribed. The node's publishes and other commands, on other connections,
 * keep working; connections opened later are forwarded normally. Nothing else can do this
 * selectively: Redis's CLIENT PAUSE stops every client, and CLIENT KILL closes the connection, which
 * the client notices.
 *
 * <p>Only pushed messages are dropped: replies to the node's own commands on the connection
 * (subscribing, unsubscribing, naming it) pass, so nothing but the kit's subscription check can
 * notice, as with a channel Redis forgot.
 */
final class RedisProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int redisPort;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();

    private RedisProxy(int redisPort) throws IOException {
        this.redisPort = redisPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "redis-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static RedisProxy to(int redisPort) throws IOException {
        return new RedisProxy(redisPort);
    }

    int port() {
        return server.getLocalPort();
    }

    String address() {
        return "redis://127.0.0.1:" + port();
    }

    /** @return how many connections were deafened (those that sent SUBSCRIBE or SSUBSCRIBE so far) */
    int deafenSubscribers() {
        int count = 0;
        for (Link link : links) {
            if (link.subscriber) {
                link.deaf = true;
                count++;
            }
        }
        return count;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket redis;
                try {
                    redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                } catch (IOException refused) {
                    client.close(); // Redis is down: refused, as without the proxy
                    continue;
                }
                Link link = new Link(client, redis);
                links.add(link);
                link.start();
            } catch (IOException e) {
                // the proxy was closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        links.forEach(Link::close);
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private final class Link {
        final Socket client;
        final Socket redis;
        volatile boolean subscriber;
        volatile boolean deaf;

        Link(Socket client, Socket redis) {
            this.client = client;
            this.redis = redis;
        }

        void start() {
            run("redis-proxy-up", this::forwardRequests);
            run("redis-proxy-down", this::forwardReplies);
        }

        private void run(String name, IoTask task) {
            Thread thread = new Thread(() -> {
                try {
                    task.run();
                } catch (IOException e) {
                    // one side closed
                } finally {
                    close();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        private void forwardRequests() throws IOException {
            byte[] buffer = new byte[16 * 1024];
            InputStream in = client.getInputStream();
            OutputStream out = redis.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (!subscriber && new String(buffer, 0, n, StandardCharsets.ISO_8859_1)
                        .toUpperCase(Locale.ROOT).contains("SUBSCRIBE")) {
                    subscriber = true;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        }

        /** Reply by reply, so that a deaf connection loses whole messages and nothing else. */
        private void forwardReplies() throws IOException {
            RespReplies replies = new RespReplies(redis.getInputStream());
            OutputStream out = client.getOutputStream();
            while (replies.next()) {
                if (deaf && replies.isPushedMessage()) {
                    continue; // dropped: the node never hears of this event
                }
                replies.writeTo(out);
                if (!replies.moreBuffered()) {
                    out.flush();
                }
            }
        }

        void close() {
            links.remove(this);
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            try {
                redis.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
