package dev.realtimekit.bench.baseline;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import org.redisson.Redisson;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * The benchmark baseline: the sample chat's protocol on a bare Jakarta WebSocket endpoint, no kit. A
 * {@code send} frame becomes a {@code message} event published on Redis channel {@code baseline:<topic>};
 * each node subscribes a topic's channel when its first local session of the topic opens (and keeps it),
 * and fans every event out to its local sessions with blocking sends, one session at a time.
 */
@ServerEndpoint("/ws/{topic}")
public class BroadcastEndpoint {

    private static final Logger LOG = Logger.getLogger(BroadcastEndpoint.class.getName());
    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Map<String, Room> ROOMS = new ConcurrentHashMap<>();

    /** What a client sends: {@code {"type":"send","room":..,"text":..}} (or {@code {"type":"ping"}}). */
    public record In(String type, String room, String text) {
    }

    /** What the room gets: {@code {"type":"message","room":..,"user":..,"text":..}}. */
    @JsonbPropertyOrder({"type", "room", "user", "text"})
    public record Out(String type, String room, String user, String text) {
    }

    /** An error frame for the sender: {@code {"type":"error","message":..}}. */
    @JsonbPropertyOrder({"type", "message"})
    public record ErrorFrame(String type, String message) {
    }

    /** A topic's local sessions and its Redis subscription (completed once Redis confirmed it). */
    private record Room(RTopic topic, Set<Session> sessions, CompletableFuture<Integer> subscribed) {
    }

    /** One Redisson client per JVM, created on first use. */
    private static final class Redis {
        static final RedissonClient CLIENT = create();

        private static RedissonClient create() {
            String address = System.getenv().getOrDefault("BASELINE_REDIS_ADDRESS", "redis://127.0.0.1:6379");
            Config config = new Config();
            config.setCodec(StringCodec.INSTANCE);
            config.useSingleServer()
                    .setAddress(address)
                    // One publish connection: one publisher's events to a channel stay in order.
                    .setConnectionPoolSize(1)
                    .setConnectionMinimumIdleSize(1)
                    // Redisson's default is 5 channels per subscription connection.
                    .setSubscriptionsPerConnection(1000)
                    // As in the kit: Redisson 3.52 loses subscription messages around its connection ping.
                    .setPingConnectionInterval(0);
            LOG.info("Baseline: connecting to Redis at " + address);
            return Redisson.create(config);
        }
    }

    /** Shuts the Redisson client down with the application, if it was ever created. */
    @WebListener
    public static class Lifecycle implements ServletContextListener {
        @Override
        public void contextDestroyed(ServletContextEvent event) {
            if (!ROOMS.isEmpty()) {
                Redis.CLIENT.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
    }

    private String topic;
    private String user;
    private Room room;

    @OnOpen
    public void onOpen(Session session, @PathParam("topic") String topic) throws Exception {
        this.topic = topic;
        this.user = userOf(session.getRequestParameterMap().get("token"));
        room = ROOMS.computeIfAbsent(topic, BroadcastEndpoint::subscribe);
        room.sessions().add(session);
        try {
            room.subscribed().get(10, TimeUnit.SECONDS);   // subscribed before the first frame is read
        } catch (Exception e) {
            ROOMS.remove(topic, room);                      // the next session of the topic tries again
            throw e;
        }
    }

    @OnMessage
    public void onMessage(Session session, String frame) {
        In in;
        try {
            in = JSONB.fromJson(frame, In.class);
        } catch (RuntimeException e) {
            error(session, "Invalid message format");
            return;
        }
        if ("ping".equals(in.type())) {
            send(session, "{\"type\":\"pong\"}");
        } else if (!"send".equals(in.type()) || in.text() == null) {
            error(session, "Invalid message format");
        } else if (!topic.equals(in.room())) {
            error(session, "Cannot send to room '" + in.room() + "' from topic '" + topic + "'");
        } else {
            String event = JSONB.toJson(new Out("message", topic, user, in.text()));
            room.topic().publishAsync(event).whenComplete((receivers, failure) -> {
                if (failure != null) {
                    error(session, "Failed to broadcast event");
                }
            });
        }
    }

    @OnClose
    public void onClose(Session session, CloseReason reason) {
        leave(session);
    }

    @OnError
    public void onError(Session session, Throwable error) {
        leave(session);
    }

    private void leave(Session session) {
        if (room != null) {
            room.sessions().remove(session);
        }
    }

    private static Room subscribe(String topic) {
        RTopic channel = Redis.CLIENT.getTopic("baseline:" + topic, StringCodec.INSTANCE);
        Set<Session> sessions = ConcurrentHashMap.newKeySet();
        var subscribed = channel.addListenerAsync(String.class, (name, text) -> {
            for (Session s : sessions) {
                send(s, text);
            }
        }).toCompletableFuture();
        return new Room(channel, sessions, subscribed);
    }

    /** A blocking send under the session's lock; closed sessions are skipped. */
    private static void send(Session session, String text) {
        if (!session.isOpen()) {
            return;
        }
        synchronized (session) {
            try {
                session.getBasicRemote().sendText(text);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "send failed", e);
            }
        }
    }

    private static void error(Session session, String message) {
        send(session, JSONB.toJson(new ErrorFrame("error", message)));
    }

    private static String userOf(List<String> token) {
        String t = token == null || token.isEmpty() ? "" : token.get(0);
        int colon = t.indexOf(':');
        return colon < 0 ? "anonymous" : t.substring(colon + 1);
    }
}
