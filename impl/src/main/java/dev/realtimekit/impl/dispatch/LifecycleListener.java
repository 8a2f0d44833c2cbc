package dev.realtimekit.impl.dispatch;

/**
 * Told about each connection's lifecycle, on the connection's serial queue (so in order with its
 * messages): opened after onConnect, subscribed for its topic, then unsubscribed and closed after
 * onDisconnect. Implementations must not throw (the dispatcher logs and ignores it if they do).
 */
public interface LifecycleListener {

    LifecycleListener NONE = new LifecycleListener() {
    };

    default void opened(Connection<?> connection) {
    }

    default void subscribed(Connection<?> connection, String topic) {
    }

    default void unsubscribed(Connection<?> connection, String topic) {
    }

    default void closed(Connection<?> connection) {
    }
}
