package dev.realtimekit.impl.runtime;

import java.util.concurrent.Executor;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.NotificationOptions;

import dev.realtimekit.ConnectionClosed;
import dev.realtimekit.ConnectionOpened;
import dev.realtimekit.TopicSubscribed;
import dev.realtimekit.TopicUnsubscribed;
import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.dispatch.LifecycleListener;
import dev.realtimekit.impl.i18n.Messages;

/**
 * Fires the lifecycle as CDI events: synchronously (for {@code @Observes}, on the connection's
 * handler thread) and asynchronously (for {@code @ObservesAsync}, on the managed executor).
 */
final class CdiLifecycleEvents implements LifecycleListener {

    private final Event<Object> events;
    private final NotificationOptions async;

    CdiLifecycleEvents(Event<Object> events, Executor executor) {
        this.events = events;
        this.async = NotificationOptions.ofExecutor(executor);
    }

    @Override
    public void opened(Connection<?> connection) {
        fire(new ConnectionOpened(connection.id(), connection.userId(), connection.topic()));
    }

    @Override
    public void subscribed(Connection<?> connection, String topic) {
        fire(new TopicSubscribed(connection.id(), connection.userId(), topic));
    }

    @Override
    public void unsubscribed(Connection<?> connection, String topic) {
        fire(new TopicUnsubscribed(connection.id(), connection.userId(), topic));
    }

    @Override
    public void closed(Connection<?> connection) {
        fire(new ConnectionClosed(connection.id(), connection.userId(), connection.topic()));
    }

    /** Fires any of the kit's events the same way (the runtime's {@code HistoryGap} too). */
    void fire(Object event) {
        try {
            events.fire(event);
        } catch (RuntimeException e) {
            Messages.observerFailed(event.getClass().getSimpleName(), e);
        }
        events.fireAsync(event, async).exceptionally(failure -> {
            Messages.observerFailed(event.getClass().getSimpleName(), failure);
            return null;
        });
    }
}
