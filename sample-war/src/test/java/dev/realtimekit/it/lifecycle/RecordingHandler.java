package dev.realtimekit.it.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;

/**
 * Records every lifecycle call as a line in a file the test reads ({@code lifecycle.events-file}), so
 * calls made while the application shuts down are visible too. Echoes notes to the topic.
 */
@ApplicationScoped
public class RecordingHandler implements MessageHandler<Note, Note, String> {

    @Inject
    @ConfigProperty(name = "lifecycle.events-file")
    String eventsFile;

    @Override
    public CompletionStage<Void> onConnect(ConnectionContext<String> ctx) {
        record("connect", ctx);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Optional<Note>> handleBroadcastMessage(Note message, ConnectionContext<String> ctx) {
        return CompletableFuture.completedFuture(Optional.of(message));
    }

    @Override
    public CompletionStage<Void> onDisconnect(ConnectionContext<String> ctx) {
        record("disconnect", ctx);
        return CompletableFuture.completedFuture(null);
    }

    private synchronized void record(String event, ConnectionContext<String> ctx) {
        String line = event + " " + ctx.connectionId() + " " + ctx.userId() + " " + ctx.topic() + System.lineSeparator();
        try {
            Files.writeString(Path.of(eventsFile), line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
