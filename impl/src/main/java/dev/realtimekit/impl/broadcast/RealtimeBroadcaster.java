package dev.realtimekit.impl.broadcast;

import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.realtimekit.Broadcaster;
import dev.realtimekit.impl.runtime.RealtimeRuntime;

/**
 * The {@link Broadcaster} bean: a {@link BusBroadcaster} on the kit's bus and codec, which the
 * runtime creates when the application first uses the kit.
 */
@ApplicationScoped
public class RealtimeBroadcaster implements Broadcaster {

    @Inject
    RealtimeRuntime runtime;

    private BusBroadcaster delegate() {
        return new BusBroadcaster(runtime.bus(), runtime.codec(), runtime.config().maxTopicLength(),
                runtime.applicationExecutor());
    }

    @Override
    public CompletionStage<Void> publish(String topic, Object event) {
        return delegate().publish(topic, event);
    }

    @Override
    public CompletionStage<Void> publish(String topic, Object event, String excludedConnectionId) {
        return delegate().publish(topic, event, excludedConnectionId);
    }

    @Override
    public CompletionStage<Void> sendToUser(Object userId, Object value) {
        return delegate().sendToUser(userId, value);
    }

    @Override
    public CompletionStage<Void> sendToConnection(String connectionId, Object value) {
        return delegate().sendToConnection(connectionId, value);
    }
}
