package dev.realtimekit.impl.dispatch;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.impl.registry.TopicRegistry;

/**
 * This node's connections by id and by user, and the receiver of the frames addressed to them: it
 * is the node's one subscriber of {@link BusMessages#DIRECT_TOPIC}, which every node subscribes to,
 * so a frame for a user or a connection reaches every node and each delivers it to its own
 * connections. Users are keyed by {@code String.valueOf(userId)}. Thread-safe.
 */
final class LocalConnections implements TopicRegistry.Subscriber {

    private final ConcurrentHashMap<String, Connection<?>> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Connection<?>>> byUser = new ConcurrentHashMap<>();

    static String userKey(Object userId) {
        return String.valueOf(userId);
    }

    void add(Connection<?> connection) {
        byId.put(connection.id(), connection);
        byUser.computeIfAbsent(userKey(connection.userId()), user -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    void remove(Connection<?> connection) {
        byId.remove(connection.id());
        byUser.computeIfPresent(userKey(connection.userId()), (user, connections) -> {
            connections.remove(connection);
            return connections.isEmpty() ? null : connections;
        });
    }

    @Override
    public String topic() {
        return BusMessages.DIRECT_TOPIC;
    }

    @Override
    public String id() {
        return "direct delivery";
    }

    /** A frame for a user or a connection arrived from the bus: hands it to the local ones it is for. */
    @Override
    public void deliver(String payload) {
        BusMessages.Decoded direct = BusMessages.direct(payload);
        if (direct == null) {
            return;
        }
        if (direct.forConnection()) {
            Connection<?> connection = byId.get(direct.target());
            if (connection != null) {
                connection.deliver(direct.frame());
            }
        } else if (direct.forUser()) {
            Set<Connection<?>> connections = byUser.get(direct.target());
            if (connections != null) {
                connections.forEach(connection -> connection.deliver(direct.frame()));
            }
        }
    }
}
