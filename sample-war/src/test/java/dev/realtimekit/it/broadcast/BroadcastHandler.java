package dev.realtimekit.it.broadcast;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;

/** See {@link Note}. */
@ApplicationScoped
public class BroadcastHandler implements MessageHandler<Note, Object, String> {

    /** The answer to {@code {"type":"ping"}} (a note without an action), as the tests' clients expect it. */
    public record Pong(String type) {
    }

    @Override
    public CompletionStage<Optional<Object>> handleDirectMessage(Note message, ConnectionContext<String> ctx) {
        if (message.action() == null) {
            return CompletableFuture.completedFuture(Optional.of(new Pong("pong")));
        }
        if ("whoami".equals(message.action())) {
            return CompletableFuture.completedFuture(Optional.of(new Note("id", ctx.connectionId())));
        }
        if ("others".equals(message.action())) {
            return ctx.broadcastToOthers(new Note("from-other", message.text()))
                    .thenApply(done -> Optional.of(new Note("sent", message.text())));
        }
        return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletionStage<Optional<Object>> handleBroadcastMessage(Note message, ConnectionContext<String> ctx) {
        Object event = "join".equals(message.action()) ? new Joined(ctx.userId()) : message;
        return CompletableFuture.completedFuture(Optional.of(event));
    }
}
