package dev.realtimekit.impl.registry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.HistoryReads;
import dev.realtimekit.impl.history.HistorySettings;
import dev.realtimekit.impl.history.Position;

/**
 * What the registry needs for history topics: which topics have one, the bus's history reads
 * (coalesced per topic, see {@link HistoryReads}), a thread to start them on, and whom to tell about
 * gaps the node found in its own subscription.
 */
public final class History {

    /**
     * What the node did about events its bus subscription missed.
     *
     * @param topic the topic
     * @param position the node's position afterwards
     * @param resyncReason why the local subscribers were told to resync ({@code epoch-changed},
     *     {@code expired}, {@code unavailable}), or null when the gap was filled from the history
     * @param filled how many missed events were delivered from the history
     */
    public record Gap(String topic, Position position, String resyncReason, int filled) {
    }

    private final HistorySettings settings;
    private final HistoryReads reads;
    private final Executor executor;
    private final int maxHeld;
    private final Consumer<Gap> gapListener;

    /**
     * @param reader the bus's history read (topic, after)
     * @param executor starts reads, off the registry's locks
     * @param maxHeld live events held for one subscriber, or for the node, while a read is in flight;
     *     beyond it they go on without the read (the subscribers are told to resync)
     * @param gapListener told about each gap the node found (on the thread that found it, under the topic's lock)
     */
    public History(HistorySettings settings, BiFunction<String, Long, CompletionStage<HistoryPage>> reader,
            Executor executor, int maxHeld, Consumer<Gap> gapListener) {
        this.settings = settings;
        this.reads = new HistoryReads(reader);
        this.executor = executor;
        this.maxHeld = maxHeld;
        this.gapListener = gapListener;
    }

    HistorySettings settings() {
        return settings;
    }

    /** @return a page read after this call, started on the executor */
    CompletableFuture<HistoryPage> read(String topic, long after) {
        return CompletableFuture.supplyAsync(() -> reads.read(topic, after), executor).thenCompose(page -> page);
    }

    Executor executor() {
        return executor;
    }

    int maxHeld() {
        return maxHeld;
    }

    Consumer<Gap> gapListener() {
        return gapListener;
    }

    /** @return how many history reads this node made (a reconnect storm should cost few) */
    public long readCount() {
        return reads.readCount();
    }
}
