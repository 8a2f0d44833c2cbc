package dev.realtimekit.it.deployment;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.it.lifecycle.Note;

/** A valid handler; deployed next to another one it makes the deployment ambiguous. */
@ApplicationScoped
public class FirstHandler implements MessageHandler<Note, Note, String> {

    @Override
    public CompletionStage<Optional<Note>> handleBroadcastMessage(Note message, ConnectionContext<String> ctx) {
        return CompletableFuture.completedFuture(Optional.of(message));
    }
}
