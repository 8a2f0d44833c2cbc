package dev.realtimekit.impl.broadcast;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

import dev.realtimekit.Broadcaster;
import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.dispatch.Stages;
import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.impl.registry.TopicNames;

/**
 * A {@link Broadcaster} on one bus: serializes with the given codec and publishes in the same formats
 * as the handlers' broadcasts ({@link BusMessages}). Thread-safe; never blocks or throws, every
 * failure is the returned stage's.
 *
 * <p>A stage the bus completes later completes on {@code completions} (the kit's application
 * threads), never on the thread that completed the bus's stage: with Redis that is Redisson's event
 * loop, which has no application context (a JAX-RS resource returning the stage got a 500 when
 * Liberty's metrics looked up their configuration there: ClusterIT) and must never run application
 * code.
 */
public final class BusBroadcaster implements Broadcaster {

    private final EventBus bus;
    private final JsonCodec codec;
    private final int maxTopicLength;
    private final Executor completions;

    /** @param completions where stages the bus completes later complete (threads with the application's context) */
    public BusBroadcaster(EventBus bus, JsonCodec codec, int maxTopicLength, Executor completions) {
        this.bus = bus;
        this.codec = codec;
        this.maxTopicLength = maxTopicLength;
        this.completions = completions;
    }

    @Override
    public CompletionStage<Void> publish(String topic, Object event) {
        return publish(topic, event, null);
    }

    @Override
    public CompletionStage<Void> publish(String topic, Object event, String excludedConnectionId) {
        if (!TopicNames.isValid(topic, maxTopicLength)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "Not a topic: blank, longer than realtime.max-topic-length, or with control characters"));
        }
        return encoded(event, "event", payload -> bus.publish(topic,
                excludedConnectionId == null ? payload : BusMessages.excluding(excludedConnectionId, payload)));
    }

    @Override
    public CompletionStage<Void> sendToUser(Object userId, Object value) {
        if (userId == null) {
            return CompletableFuture.failedFuture(new NullPointerException("userId"));
        }
        return encoded(value, "value", frame -> bus.publish(BusMessages.DIRECT_TOPIC,
                BusMessages.toUser(String.valueOf(userId), frame)));
    }

    @Override
    public CompletionStage<Void> sendToConnection(String connectionId, Object value) {
        if (connectionId == null) {
            return CompletableFuture.failedFuture(new NullPointerException("connectionId"));
        }
        return encoded(value, "value", frame -> bus.publish(BusMessages.DIRECT_TOPIC,
                BusMessages.toConnection(connectionId, frame)));
    }

    /** Serializes the value once, then publishes it. */
    private CompletionStage<Void> encoded(Object value, String name, Function<String, CompletionStage<Void>> publish) {
        String text;
        try {
            text = codec.encode(Objects.requireNonNull(value, name));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> published = Stages.toFuture(Stages.call(() -> publish.apply(text)));
        if (published.isDone()) {
            return published; // the caller's own continuations run on the caller's thread
        }
        // whenCompleteAsync, not thenApplyAsync: the latter completes a failure on the completing thread.
        return published.whenCompleteAsync((ignored, failure) -> {
        }, completions);
    }
}
