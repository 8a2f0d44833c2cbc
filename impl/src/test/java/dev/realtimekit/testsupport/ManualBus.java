package dev.realtimekit.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.realtimekit.impl.bus.EventBus;

/** A bus whose publishes complete when the test says. */
public final class ManualBus implements EventBus {
    /** The publishes made, in order; the test completes them. */
    public final List<CompletableFuture<Void>> publishes = new ArrayList<>();
    /** When set, publish throws it. */
    public RuntimeException throwOnPublish;

    @Override
    public void start(Listener listener) {
    }

    @Override
    public CompletionStage<Void> subscribe(String topic) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> unsubscribe(String topic) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> publish(String topic, String payload) {
        if (throwOnPublish != null) {
            throw throwOnPublish;
        }
        CompletableFuture<Void> publish = new CompletableFuture<>();
        publishes.add(publish);
        return publish;
    }

    @Override
    public String describe() {
        return "manual";
    }

    @Override
    public Status status() {
        return new Status("manual", true, 0, 0, false);
    }

    @Override
    public void close() {
    }
}
