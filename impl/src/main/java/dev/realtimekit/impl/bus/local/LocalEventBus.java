package dev.realtimekit.impl.bus.local;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.PublishTime;
import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.HistorySettings;
import dev.realtimekit.impl.history.NumberedEvents;
import dev.realtimekit.impl.registry.TopicNames;

/**
 * The embedded bus for a single node: a published event goes straight to this node's listener, on
 * the publishing thread. Used whenever no Redis is configured. A history topic's events are numbered
 * and kept in memory ({@link LocalHistory}), numbered and delivered under the topic's history lock
 * so that numbers and deliveries keep one order.
 */
public final class LocalEventBus implements EventBus {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    /** Every this many publishes and reads, histories quiet for {@link HistorySettings#numberingKeptMs()} are forgotten. */
    private static final int SWEEP_EVERY = 1024;

    private final HistorySettings history;
    private final ConcurrentHashMap<String, LocalHistory> histories = new ConcurrentHashMap<>();
    private final AtomicInteger untilSweep = new AtomicInteger(SWEEP_EVERY);

    /** A bus without history. */
    public LocalEventBus() {
        this(HistorySettings.NONE);
    }

    /** @param history the topics whose events are numbered and kept */
    public LocalEventBus(HistorySettings history) {
        this.history = history;
    }

    private volatile Listener listener = (topic, payload) -> {
    };
    private final java.util.Set<String> topics = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    @Override
    public void start(Listener listener) {
        this.listener = listener;
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        topics.add(topic);
        return DONE;
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        topics.remove(topic);
        return DONE;
    }

    @Override
    public CompletionStage<Void> publish(String topic, String payload) {
        try {
            if (history.any() && !TopicNames.isInternal(topic) && history.enabled(topic)) {
                publishNumbered(topic, payload);
                return DONE;
            }
            listener.onEvent(topic, payload, PublishTime.now());
            return DONE;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void publishNumbered(String topic, String payload) {
        withHistory(topic, topicHistory -> {
            long seq = topicHistory.append(payload, System.currentTimeMillis());
            listener.onEvent(topic, NumberedEvents.number(topicHistory.epoch, seq, payload), PublishTime.now());
            return null;
        });
    }

    @Override
    public CompletionStage<HistoryPage> readHistory(String topic, long afterSeq) {
        if (!history.enabled(topic)) {
            return EventBus.super.readHistory(topic, afterSeq);
        }
        return CompletableFuture.completedFuture(withHistory(topic,
                topicHistory -> topicHistory.read(afterSeq, System.currentTimeMillis())));
    }

    /** Runs {@code work} under the topic's history lock, on a history the sweep has not retired. */
    private <T> T withHistory(String topic, Function<LocalHistory, T> work) {
        sweepNow();
        while (true) {
            LocalHistory topicHistory = histories.computeIfAbsent(topic, name -> new LocalHistory(history.size(), history.ttlMs()));
            synchronized (topicHistory) {
                if (!topicHistory.retired) {
                    return work.apply(topicHistory);
                }
            }
        }
    }

    /** Forgets, now and then, the histories of topics quiet for a day or the ttl (topics may be per user: unbounded). */
    private void sweepNow() {
        if (untilSweep.decrementAndGet() > 0) {
            return;
        }
        untilSweep.set(SWEEP_EVERY);
        long quietSince = System.currentTimeMillis() - history.numberingKeptMs();
        histories.forEach((topic, topicHistory) -> {
            synchronized (topicHistory) {
                if (topicHistory.idleSince(quietSince)) {
                    topicHistory.retired = true;
                    histories.remove(topic, topicHistory);
                }
            }
        });
    }

    @Override
    public String describe() {
        return "in-JVM";
    }

    @Override
    public Status status() {
        return new Status("in-jvm", true, topics.size(), 0, closed);
    }

    @Override
    public void close() {
        closed = true;
        listener = (topic, payload) -> {
        };
    }
}
