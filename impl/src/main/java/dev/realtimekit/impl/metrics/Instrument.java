package dev.realtimekit.impl.metrics;

import java.util.List;

/**
 * The kit's instruments, the same for every backend. Each also carries the tag {@code path}, the
 * endpoint's path template (e.g. {@code /ws/{topic}}); its own tag keys are listed here and their
 * values come from small fixed sets ({@link MetricTags}), never from topics, users or connections.
 */
enum Instrument {
    CONNECTIONS_OPEN("realtime.connections.open", Kind.GAUGE, "WebSocket connections open on this node"),
    CONNECTIONS_OPENED("realtime.connections.opened", Kind.COUNTER, "WebSocket connections opened"),
    CONNECTIONS_CLOSED("realtime.connections.closed", Kind.COUNTER,
            "WebSocket connections closed, by close code (1000-1015 as such, 3xxx, 4xxx, other)", "code"),
    HANDSHAKES_REFUSED("realtime.handshakes.refused", Kind.COUNTER,
            "WebSocket handshakes answered with an HTTP status instead of an upgrade", "status"),
    MESSAGES_RECEIVED("realtime.messages.received", Kind.COUNTER, "Frames received from clients"),
    MESSAGES_RATE_LIMITED("realtime.messages.rate.limited", Kind.COUNTER,
            "Messages refused because their connection exceeded its rate limit"),
    ERROR_FRAMES("realtime.error.frames", Kind.COUNTER, "Error frames sent to clients, by reason", "reason"),
    FRAMES_SENT("realtime.frames.sent", Kind.COUNTER,
            "Text frames written to clients, by write (blocking: the client kept up with its send window; async: it was behind)",
            "write"),
    SLOW_CONSUMER_CLOSES("realtime.slow.consumer.closes", Kind.COUNTER,
            "Connections closed because they did not keep up with their frames, by reason", "reason"),
    EVENTS_PUBLISHED("realtime.events.published", Kind.COUNTER,
            "Events handed to the bus, by outcome (success, failure)", "outcome"),
    PUBLISH_LATENCY("realtime.publish.latency", Kind.TIMER,
            "Time from handing an event to the bus to the bus's answer"),
    HANDLER_TIME("realtime.handler.time", Kind.TIMER,
            "Time from calling a handler method to the completion of its stage, by method and outcome",
            "method", "outcome"),
    EVENTS_DELIVERED("realtime.events.delivered", Kind.COUNTER,
            "Events handed to local subscribers (one per subscriber)"),
    DELIVERY_LATENCY("realtime.delivery.latency", Kind.TIMER,
            "Time from an event's publish (on any node, by its wall clock) to this node having written or"
                    + " queued it for all its local subscribers"),
    REDIS_SUBSCRIPTIONS("realtime.redis.subscriptions", Kind.GAUGE,
            "Redis channels this node subscribes, the kit's own included"),
    REDIS_DEAF_SUBSCRIPTIONS("realtime.redis.subscriptions.deaf", Kind.GAUGE,
            "Subscriptions the self-check found not delivering and has not yet seen deliver again"),
    REDIS_OUTAGES("realtime.redis.outages", Kind.COUNTER, "Times Redis became unreachable"),
    REDIS_REPAIRED_SUBSCRIPTIONS("realtime.redis.subscriptions.repaired", Kind.COUNTER,
            "Deaf subscriptions subscribed anew or handed to a new Redis client");

    /** The tag every instrument carries. */
    static final String PATH = "path";

    enum Kind { COUNTER, TIMER, GAUGE }

    private final String metricName;
    private final Kind kind;
    private final String description;
    private final List<String> tagKeys;

    Instrument(String metricName, Kind kind, String description, String... tagKeys) {
        this.metricName = metricName;
        this.kind = kind;
        this.description = description;
        this.tagKeys = List.of(tagKeys);
    }

    String metricName() {
        return metricName;
    }

    Kind kind() {
        return kind;
    }

    String description() {
        return description;
    }

    /** @return the instrument's own tag keys, {@link #PATH} not included, in the order values are given */
    List<String> tagKeys() {
        return tagKeys;
    }
}
