package dev.realtimekit.impl.history;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * This node's reads of topic histories, at most one in flight per topic: reads asked for while one is
 * in flight wait and share the next one, which starts after the one in flight and reads from the
 * oldest position among them. So a reconnect storm of a thousand clients on one topic costs a few
 * reads, not a thousand, and every page a caller gets was read after it asked (never a page older
 * than its subscription, which would miss events published in between).
 *
 * <p>Thread-safe. Pages are handed over on the thread that completed the read, outside any lock.
 */
public final class HistoryReads {

    private final BiFunction<String, Long, CompletionStage<HistoryPage>> reader;
    private final ConcurrentHashMap<String, TopicReads> topics = new ConcurrentHashMap<>();
    private final AtomicLong reads = new AtomicLong();

    /** @param reader reads a topic's history after a sequence number (the bus's) */
    public HistoryReads(BiFunction<String, Long, CompletionStage<HistoryPage>> reader) {
        this.reader = reader;
    }

    /** A topic's read in flight and the callers waiting for the next one. */
    private static final class TopicReads {
        List<CompletableFuture<HistoryPage>> waiting = new ArrayList<>();
        long waitingAfter = Long.MAX_VALUE;
    }

    /**
     * @param after the caller needs the events numbered above this
     * @return a stage with a page read after this call, holding at least the events above {@code after}
     *     that are still kept, or failing when the read failed
     */
    public CompletableFuture<HistoryPage> read(String topic, long after) {
        CompletableFuture<HistoryPage> page = new CompletableFuture<>();
        boolean[] start = {false};
        topics.compute(topic, (name, reads) -> {
            if (reads == null) {
                start[0] = true;
                return new TopicReads();
            }
            reads.waiting.add(page);
            reads.waitingAfter = Math.min(reads.waitingAfter, after);
            return reads;
        });
        if (start[0]) {
            readNow(topic, after, List.of(page));
        }
        return page;
    }

    /** @return how many reads this node made; for tests and diagnosis */
    public long readCount() {
        return reads.get();
    }

    private void readNow(String topic, long after, List<CompletableFuture<HistoryPage>> callers) {
        reads.incrementAndGet();
        CompletionStage<HistoryPage> read;
        try {
            read = reader.apply(topic, Math.max(0, after));
        } catch (RuntimeException e) {
            read = CompletableFuture.failedFuture(e);
        }
        read.whenComplete((result, failure) -> {
            List<CompletableFuture<HistoryPage>> next = new ArrayList<>();
            long[] nextAfter = {0};
            topics.computeIfPresent(topic, (name, reads) -> {
                if (reads.waiting.isEmpty()) {
                    return null;
                }
                next.addAll(reads.waiting);
                nextAfter[0] = reads.waitingAfter;
                reads.waiting = new ArrayList<>();
                reads.waitingAfter = Long.MAX_VALUE;
                return reads;
            });
            for (CompletableFuture<HistoryPage> caller : callers) {
                if (failure != null) {
                    caller.completeExceptionally(failure);
                } else {
                    caller.complete(result);
                }
            }
            if (!next.isEmpty()) {
                readNow(topic, nextAfter[0], next);
            }
        });
    }
}
