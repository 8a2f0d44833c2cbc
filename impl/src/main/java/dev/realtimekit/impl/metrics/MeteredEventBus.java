package dev.realtimekit.impl.metrics;

import java.util.concurrent.CompletionStage;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.registry.TopicNames;

/**
 * An event bus that tells the metrics about every publish to an application topic (the kit's own
 * topics, e.g. frames for one user, are not counted): its outcome and the time until the bus
 * answered. Whoever publishes (the dispatcher, a connection's context, the application's
 * {@code Broadcaster}) goes through it, so every event counts once.
 */
public final class MeteredEventBus implements EventBus {

    private final EventBus bus;
    private final RealtimeMetrics metrics;

    public MeteredEventBus(EventBus bus, RealtimeMetrics metrics) {
        this.bus = bus;
        this.metrics = metrics;
    }

    @Override
    public CompletionStage<Void> publish(String topic, String payload) {
        if (TopicNames.isInternal(topic)) {
            return bus.publish(topic, payload);
        }
        long started = System.nanoTime();
        CompletionStage<Void> published;
        try {
            published = bus.publish(topic, payload);
        } catch (RuntimeException e) {
            metrics.eventPublished(System.nanoTime() - started, true);
            throw e;
        }
        return published.whenComplete((ignored, failure) ->
                metrics.eventPublished(System.nanoTime() - started, failure != null));
    }

    @Override
    public void start(Listener listener) {
        bus.start(listener);
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        return bus.subscribe(topic);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        return bus.unsubscribe(topic);
    }

    @Override
    public CompletionStage<HistoryPage> readHistory(String topic, long afterSeq) {
        return bus.readHistory(topic, afterSeq);
    }

    @Override
    public String describe() {
        return bus.describe();
    }

    @Override
    public Status status() {
        return bus.status();
    }

    @Override
    public void close() {
        bus.close();
    }
}
