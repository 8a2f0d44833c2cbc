package dev.realtimekit.impl.bus.local;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.PublishTime;

/**
 * The embedded bus for a single node: a published event goes straight to this node's listener, on
 * the publishing thread. Used whenever no Redis is configured.
 */
public final class LocalEventBus implements EventBus {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

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
            listener.onEvent(topic, payload, PublishTime.now());
            return DONE;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
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
