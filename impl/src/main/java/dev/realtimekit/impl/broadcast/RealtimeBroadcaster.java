package dev.realtimekit.impl.broadcast;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.realtimekit.Broadcaster;
import dev.realtimekit.impl.dispatch.Stages;
import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.impl.registry.TopicNames;
import dev.realtimekit.impl.runtime.RealtimeRuntime;

/**
 * The {@link Broadcaster} bean: serializes with the kit's JSON-B and publishes on the kit's bus, in
 * the same formats as the handlers' broadcasts ({@link BusMessages}).
 */
@ApplicationScoped
public class RealtimeBroadcaster implements Broadcaster {

    @Inject
    RealtimeRuntime runtime;

    @Override
    public CompletionStage<Void> publish(String topic, Object event) {
        return publish(topic, event, null);
    }

    @Override
    public CompletionStage<Void> publish(String topic, Object event, String excludedConnectionId) {
        if (!TopicNames.isValid(topic, runtime.config().maxTopicLength())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "Not a topic: blank, longer than realtime.max-topic-length, or with control characters"));
        }
        return encoded(event, "event",
                payload -> runtime.bus().publish(topic,
                        excludedConnectionId == null ? payload : BusMessages.excluding(excludedConnectionId, payload)));
    }

    @Override
    public CompletionStage<Void> sendToUser(Object userId, Object value) {
        if (userId == null) {
            return CompletableFuture.failedFuture(new NullPointerException("userId"));
        }
        return encoded(value, "value", frame -> runtime.bus().publish(BusMessages.DIRECT_TOPIC,
                BusMessages.toUser(String.valueOf(userId), frame)));
    }

    @Override
    public CompletionStage<Void> sendToConnection(String connectionId, Object value) {
        if (connectionId == null) {
            return CompletableFuture.failedFuture(new NullPointerException("connectionId"));
        }
        return encoded(value, "value", frame -> runtime.bus().publish(BusMessages.DIRECT_TOPIC,
                BusMessages.toConnection(connectionId, frame)));
    }

    /** Serializes the value once, then publishes it; every failure is the returned stage's, never thrown. */
    private CompletionStage<Void> encoded(Object value, String name,
            java.util.function.Function<String, CompletionStage<Void>> publish) {
        String text;
        try {
            text = runtime.codec().encode(Objects.requireNonNull(value, name));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return Stages.call(() -> publish.apply(text));
    }
}
