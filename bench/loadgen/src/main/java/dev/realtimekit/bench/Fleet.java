package dev.realtimekit.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * All client sockets of a run, on one {@link Transport}: opens them (at most 64 handshakes in flight), counts them per
 * topic, aborts them.
 */
final class Fleet {

    static final int MAX_IN_FLIGHT = 64;

    private final Transport transport;
    private final Protocol protocol;
    private final Counters counters;
    final Topics topics;
    private final int perTopic;
    private final Connection[] connections;
    /** The URL each socket was opened to, by index. */
    private final String[] nodes;
    private final AtomicInteger[] openPerTopic;
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private double connectSeconds;
    private int connected;

    /** @param total sockets in all; group i holds sockets i * perTopic to (i + 1) * perTopic - 1 */
    Fleet(Transport transport, Protocol protocol, Counters counters, Topics topics, int perTopic, int total) {
        if (total > topics.count() * perTopic) {
            throw new IllegalArgumentException(total + " sockets do not fit " + topics.count() + " groups of " + perTopic);
        }
        this.transport = transport;
        this.protocol = protocol;
        this.counters = counters;
        this.topics = topics;
        this.perTopic = perTopic;
        this.connections = new Connection[total];
        this.nodes = new String[total];
        this.openPerTopic = new AtomicInteger[topics.count()];
        for (int i = 0; i < openPerTopic.length; i++) {
            openPerTopic[i] = new AtomicInteger();
        }
    }

    /**
     * Opens every socket, subscriber j of group i to {@code urls[(i + j) % urls.size()]}: round-robin within a topic,
     * and the publishers (j = 0) spread over the nodes too. Failures are counted, never retried.
     */
    void connect(List<String> urls) throws InterruptedException {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        List<CompletableFuture<?>> all = new ArrayList<>(connections.length);
        long start = System.nanoTime();
        for (int index = 0; index < connections.length; index++) {
            int group = index / perTopic;
            int j = index % perTopic;
            Connection connection = new Connection(group, protocol, counters, openPerTopic[group]);
            connections[index] = connection;
            nodes[index] = urls.get((group + j) % urls.size());
            URI uri = protocol.uri(nodes[index], topics.name(group), topics.uuid(group), Topics.user(j));
            inFlight.acquire();
            CompletableFuture<?> done = transport.open(uri, connection)
                    .thenCompose(opened -> connection.ready)
                    .orTimeout(Transport.CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .whenComplete((ok, failure) -> {
                        inFlight.release();
                        if (failure != null) {
                            failures.computeIfAbsent(describe(failure), k -> new LongAdder()).increment();
                        }
                    });
            all.add(done);
        }
        for (CompletableFuture<?> f : all) {
            try {
                f.get();
            } catch (ExecutionException failed) {
                // counted in whenComplete
            }
        }
        connectSeconds = (System.nanoTime() - start) / 1e9;
        connected = (int) all.stream().filter(f -> !f.isCompletedExceptionally()).count();
    }

    /** A handshake failure as a short reason: the HTTP status when the server answered one. */
    private String describe(Throwable failure) {
        return describe(failure, transport.refusal(unwrap(failure)));
    }

    /** @param refusal the transport's reading of a refused handshake ("HTTP 403"), or null */
    static String describe(Throwable failure, String refusal) {
        Throwable t = unwrap(failure);
        if (refusal != null) {
            return refusal;
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return "timeout after " + Transport.CONNECT_TIMEOUT.toSeconds() + " s";
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The transport's name ("netty-epoll", "jdk", ...). */
    String transportName() {
        return transport.name();
    }

    int size() {
        return connections.length;
    }

    int connected() {
        return connected;
    }

    double connectSeconds() {
        return connectSeconds;
    }

    int failed() {
        return connections.length - connected;
    }

    /** Failure reasons and how often each occurred, sorted by reason. */
    Map<String, Long> failures() {
        Map<String, Long> sorted = new TreeMap<>();
        failures.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    /** Calls {@code action} with every socket that was opened, and the URL it was opened to. */
    void forEachConnection(java.util.function.BiConsumer<Connection, String> action) {
        for (int i = 0; i < connections.length; i++) {
            if (connections[i] != null) {
                action.accept(connections[i], nodes[i]);
            }
        }
    }

    /** The publisher of a group: its first subscriber. */
    Connection publisher(int group) {
        return connections[group * perTopic];
    }

    /** Subscribers of a group whose socket is open now. */
    int open(int group) {
        return openPerTopic[group].get();
    }

    /** @return the sockets still open, over all topics */
    int openInAll() {
        int open = 0;
        for (int group = 0; group < openPerTopic.length; group++) {
            open += open(group);
        }
        return open;
    }

    /** Drops every socket and releases the transport's threads: the fleet is done. */
    void abortAll() {
        for (Connection c : connections) {
            if (c != null) {
                c.abort();
            }
        }
        transport.close();
    }
}
