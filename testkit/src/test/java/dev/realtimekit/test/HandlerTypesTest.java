package dev.realtimekit.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Type;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;

class HandlerTypesTest {

    /** Leaves the client message type to its subclasses. */
    abstract static class BaseHandler<C> implements MessageHandler<C, String, Long> {
        @Override
        public CompletionStage<Optional<String>> handleBroadcastMessage(C message, ConnectionContext<Long> ctx) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    static final class IntegerHandler extends BaseHandler<Integer> {
    }

    static class OpenHandler<C> extends BaseHandler<C> {
    }

    @Test
    void argumentsGivenDirectlyOrThroughASuperclassAreFound() {
        assertArrayEquals(new Type[] {Integer.class, String.class, Long.class},
                HandlerTypes.arguments(IntegerHandler.class, MessageHandler.class));
        assertArrayEquals(new Type[] {NotesHandler.Command.class, NotesHandler.Note.class, String.class},
                HandlerTypes.arguments(NotesHandler.class, MessageHandler.class));
    }

    @Test
    void anOpenArgumentOrAnUnrelatedClassGivesNothing() {
        assertNull(HandlerTypes.arguments(OpenHandler.class, MessageHandler.class));
        assertNull(HandlerTypes.arguments(String.class, MessageHandler.class));
    }
}
