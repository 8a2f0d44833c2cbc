package dev.realtimekit.it.history;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;

/** Broadcasts every message to its topic as it is, and says nothing on connect or disconnect: quiet topics for counting. */
@ApplicationScoped
public class EchoToTopicHandler implements MessageHandler<Line, Line, String> {

    @Override
    public CompletionStage<Optional<Line>> handleDirectMessage(Line message, ConnectionContext<String> ctx) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<Optional<Line>> handleBroadcastMessage(Line message, ConnectionContext<String> ctx) {
        return CompletableFuture.completedFuture(Optional.of(message));
    }
}
