package dev.realtimekit.it.limits;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;

/** See {@link Command}; counts onConnect and onDisconnect calls for {@link LimitsStatsServlet}. */
@ApplicationScoped
public class LimitsHandler implements MessageHandler<Command, Command, String> {

    private final AtomicInteger connects = new AtomicInteger();
    private final AtomicInteger disconnects = new AtomicInteger();

    /** Methods, not fields: the servlet holds a CDI proxy, whose own fields are never the bean's. */
    public int connects() {
        return connects.get();
    }

    public int disconnects() {
        return disconnects.get();
    }

    @Override
    public CompletionStage<Void> onConnect(ConnectionContext<String> ctx) {
        connects.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Optional<Command>> handleDirectMessage(Command message, ConnectionContext<String> ctx) {
        return switch (message.action()) {
            case "ping" -> CompletableFuture.completedFuture(Optional.of(new Command("pong", message.text())));
            case "hang" -> new CompletableFuture<>();
            default -> CompletableFuture.completedFuture(Optional.empty());
        };
    }

    @Override
    public CompletionStage<Optional<Command>> handleBroadcastMessage(Command message, ConnectionContext<String> ctx) {
        return CompletableFuture.completedFuture(Optional.of(message));
    }

    @Override
    public CompletionStage<Void> onDisconnect(ConnectionContext<String> ctx) {
        disconnects.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }
}
