package dev.realtimekit.impl.dispatch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.realtimekit.impl.i18n.Messages;

/**
 * Takes a node out of service without a reconnect storm: once started, the node is draining for good
 * (readiness DOWN, new handshakes refused with 503), and its connections are closed with 1012
 * (Service Restart) in batches spread over the drain window, so that their clients do not all
 * reconnect at the same instant. The window is cut into one slot more than there are batches; the
 * first slot closes nothing (load balancers see the node unready first), each batch closes at a
 * random moment of its own slot, and the last batch also closes whatever connection is still open
 * then. With no connection open at the start, the drain is over at once. Every connection's
 * onDisconnect runs, as for any close.
 *
 * <p>Thread-safe: {@link #start} may be called from any thread, any number of times; the first call
 * starts the one drain, and every call returns its completion.
 *
 * @param <T> the connection type
 */
public final class Drain<T> {

    /** Close code for a drained connection: RFC 6455 1012, Service Restart. */
    public static final int SERVICE_RESTART = 1012;
    public static final String REASON = "Service restart";
    /** At most this many batches, whatever the connection count. */
    static final int MAX_BATCHES = 50;
    /** Batches are at least this far apart on average. */
    static final long MIN_SLOT_MS = 100;

    /** Runs a task after a delay. */
    @FunctionalInterface
    public interface Delays {
        void after(long delayMs, Runnable task);

        /** @return delays of the JDK's delay scheduler, running each task on {@code executor} */
        static Delays on(Executor executor) {
            return (delayMs, task) -> CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, executor).execute(task);
        }
    }

    private final Supplier<List<T>> open;
    private final Function<T, CompletableFuture<Void>> close;
    private final Delays delays;
    private final Random random;
    private volatile CompletableFuture<Void> done;

    /**
     * @param open the connections open now
     * @param close closes one connection with 1012 and returns when its onDisconnect has finished
     */
    public Drain(Supplier<List<T>> open, Function<T, CompletableFuture<Void>> close, Delays delays, Random random) {
        this.open = open;
        this.close = close;
        this.delays = delays;
        this.random = random;
    }

    /** @return whether a drain was started: the node stays unready and refuses handshakes from then on */
    public boolean isDraining() {
        return done != null;
    }

    /**
     * Starts the drain, unless one was started already.
     *
     * @param trigger what started it, for the log ("application stop", "JMX")
     * @return a stage that completes when every connection open at the end of the window is closed
     *     and its onDisconnect finished
     */
    public synchronized CompletableFuture<Void> start(String trigger, long windowMs) {
        if (done != null) {
            return done;
        }
        CompletableFuture<Void> finished = new CompletableFuture<>();
        // Draining before the snapshot: a handshake that finds the node not draining after its
        // connection was admitted is in the snapshot (see the handshake servlet's second check).
        done = finished;
        List<T> connections = new ArrayList<>(open.get());
        Collections.shuffle(connections, random);
        int batches = batches(connections.size(), windowMs);
        Messages.drainStarted(trigger, connections.size(), windowMs);
        if (connections.isEmpty()) {
            Messages.drainFinished(0, 0, 0);
            finished.complete(null);
            return finished;
        }
        long startNanos = System.nanoTime();
        List<Long> at = delays(batches, windowMs, random);
        List<CompletableFuture<Void>> closed = Collections.synchronizedList(new ArrayList<>());
        Set<T> seen = ConcurrentHashMap.newKeySet();
        CompletableFuture<?>[] ran = new CompletableFuture<?>[batches];
        for (int i = 0; i < batches; i++) {
            List<T> batch = connections.subList(i * connections.size() / batches, (i + 1) * connections.size() / batches);
            boolean last = i == batches - 1;
            CompletableFuture<Void> thisBatch = new CompletableFuture<>();
            ran[i] = thisBatch;
            delays.after(at.get(i), () -> {
                try {
                    // The last batch takes every connection still open, those admitted meanwhile included.
                    for (T connection : batch) {
                        seen.add(connection);
                        closed.add(closeQuietly(connection));
                    }
                    if (last) {
                        for (T connection : open.get()) {
                            if (seen.add(connection)) {
                                closed.add(closeQuietly(connection));
                            }
                        }
                    }
                } finally {
                    thisBatch.complete(null);
                }
            });
        }
        CompletableFuture.allOf(ran)
                .thenCompose(ignored -> CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new)))
                .whenComplete((ignored, failure) -> {
                    Messages.drainFinished(closed.size(), batches,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
                    finished.complete(null);
                });
        return finished;
    }

    private CompletableFuture<Void> closeQuietly(T connection) {
        try {
            return close.apply(connection).exceptionally(failure -> null);
        } catch (RuntimeException e) {
            Messages.unexpected("draining a connection", e);
            return CompletableFuture.completedFuture(null);
        }
    }

    /** @return how many batches {@code connections} are closed in over {@code windowMs}: at least 1 */
    static int batches(int connections, long windowMs) {
        long bySlot = Math.max(1, windowMs / MIN_SLOT_MS);
        return (int) Math.max(1, Math.min(Math.min(connections, MAX_BATCHES), bySlot));
    }

    /**
     * @return each batch's delay: batch i at a uniformly random moment of slot i + 1 of
     *     {@code batches + 1} equal slots of the window, so within (window / (batches + 1), window]
     *     and in increasing order; all 0 for a window of 0
     */
    static List<Long> delays(int batches, long windowMs, Random random) {
        List<Long> delays = new ArrayList<>(batches);
        double slot = (double) windowMs / (batches + 1);
        for (int i = 0; i < batches; i++) {
            delays.add(Math.min(windowMs, (long) Math.ceil(slot * (i + 1 + random.nextDouble()))));
        }
        return delays;
    }
}
