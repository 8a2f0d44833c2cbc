package dev.realtimekit.test;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.HandlerException;
import dev.realtimekit.MessageHandler;

/**
 * The testing kit's own test application: a welcome on connect, pings answered directly, notes
 * broadcast, failures of each kind on request, and a per-instance counter (state per node).
 */
public class NotesHandler implements MessageHandler<NotesHandler.Command, NotesHandler.Note, String> {

    /** What clients send: {@code {"type":"ping"}}, {@code {"type":"note","text":"..."}}, ... */
    public record Command(String type, String text, Long delayMs) {
    }

    /** What the topic hears. */
    public record Note(String type, String user, String text, int count) {
    }

    /** A direct answer. */
    public record Pong(String type, String text) {
    }

    final List<String> disconnected = new CopyOnWriteArrayList<>();
    final AtomicInteger notes = new AtomicInteger();

    @Override
    public CompletionStage<Void> onConnect(ConnectionContext<String> ctx) {
        if (ctx.userId().equals("doomed")) {
            throw new HandlerException(403, "Not today");
        }
        return ctx.send(new Pong("welcome", ctx.userId()));
    }

    @Override
    public CompletionStage<Optional<Pong>> handleDirectMessage(Command command, ConnectionContext<String> ctx) {
        return switch (String.valueOf(command.type())) {
            case "ping" -> later(command, Optional.of(new Pong("pong", command.text())));
            case "refuse" -> throw new HandlerException(422, "Refused: " + command.text());
            case "crash" -> throw new IllegalStateException("a bug, with a secret the client must not see");
            default -> CompletableFuture.completedFuture(Optional.empty());
        };
    }

    @Override
    public CompletionStage<Optional<Note>> handleBroadcastMessage(Command command, ConnectionContext<String> ctx) {
        if (!"note".equals(command.type())) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return later(command, Optional.of(new Note("note", ctx.userId(), command.text(), notes.incrementAndGet())));
    }

    @Override
    public CompletionStage<Void> onDisconnect(ConnectionContext<String> ctx) {
        disconnected.add(ctx.userId());
        return CompletableFuture.completedFuture(null);
    }

    /** Completes after the command's delay, on another thread, so that a slow message would be overtaken if order were not kept. */
    private static <T> CompletionStage<T> later(Command command, T value) {
        if (command.delayMs() == null) {
            return CompletableFuture.completedFuture(value);
        }
        return CompletableFuture.supplyAsync(() -> value,
                CompletableFuture.delayedExecutor(command.delayMs(), TimeUnit.MILLISECONDS));
    }
}
