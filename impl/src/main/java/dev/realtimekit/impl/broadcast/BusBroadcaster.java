package dev.realtimekit.impl.broadcast;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 */
public final class BusBroadcaster implements Broadcaster {

    private final EventBus bus;
    private final JsonCodec codec;
    private final int maxTopicLength;

    public BusBroadcaster(EventBus bus, JsonCodec codec, int maxTopicLength) {
        this.bus = bus;
        this.codec = codec;
        this.maxTopicLength = maxTopicLength;
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
        return Stages.call(() -> publish.apply(text));
    }
}
