package dev.realtimekit.sample;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.HandlerException;
import dev.realtimekit.MessageHandler;

/**
 * The chat: pings are answered directly, chat lines are broadcast to the room, and everyone else in
 * the room is told when a connection joins or leaves it.
 *
 * <p>Join and leave notices are about the connection's path topic only: following another room with a
 * {@code subscribe} frame announces nothing. They are per connection (a user with two tabs in a room
 * joins twice) and best effort: a notice the bus cannot take (Redis down) is logged at FINE and the
 * connection carries on.
 */
@ApplicationScoped
public class ChatHandler implements MessageHandler<ClientMessage, ServerEvent, ChatUser> {

    private static final Logger LOG = Logger.getLogger(ChatHandler.class.getName());

    @Override
    public CompletionStage<Void> onConnect(ConnectionContext<ChatUser> ctx) {
        LOG.fine(() -> ctx.userId().name() + " joined " + ctx.topic());
        // The client's messages wait for this stage: the others see "joined" before anything it says.
        return notice(ctx, new ServerEvent.Joined(ctx.topic(), ctx.userId().name()));
    }

    @Override
    public CompletionStage<Optional<ServerEvent.Pong>> handleDirectMessage(ClientMessage message,
            ConnectionContext<ChatUser> ctx) {
        return CompletableFuture.completedFuture(
                message instanceof ClientMessage.Ping ? Optional.of(new ServerEvent.Pong()) : Optional.empty());
    }

    @Override
    public CompletionStage<Optional<ServerEvent>> handleBroadcastMessage(ClientMessage message,
            ConnectionContext<ChatUser> ctx) {
        if (!(message instanceof ClientMessage.Send send)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (send.room() == null || !send.room().equals(ctx.topic())) {
            throw new HandlerException(400, "Cannot send to room '" + send.room() + "' from topic '" + ctx.topic() + "'");
        }
        if (send.text() == null) {
            // A send without its text field is malformed, as a frame that does not parse is; an empty text is a chat line.
            throw new HandlerException(400, "Invalid message format");
        }
        return CompletableFuture.completedFuture(
                Optional.of(new ServerEvent.Message(send.room(), ctx.userId().name(), send.text())));
    }

    @Override
    public CompletionStage<Void> onDisconnect(ConnectionContext<ChatUser> ctx) {
        LOG.fine(() -> ctx.userId().name() + " left " + ctx.topic());
        return notice(ctx, new ServerEvent.Left(ctx.topic(), ctx.userId().name()));
    }

    /** Tells everyone on the connection's topic but the connection itself; a failure is no failure of the connection. */
    private static CompletionStage<Void> notice(ConnectionContext<ChatUser> ctx, ServerEvent notice) {
        return ctx.broadcastToOthers(notice).exceptionally(failure -> {
            LOG.log(Level.FINE, failure, () -> "Could not publish a " + notice.getClass().getSimpleName() + " notice on " + ctx.topic());
            return null;
        });
    }
}
