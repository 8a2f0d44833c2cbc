package dev.realtimekit.impl.dispatch;

import java.io.StringReader;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import dev.realtimekit.HandlerException;
import dev.realtimekit.TopicAccess;
import dev.realtimekit.TopicAuthorizer;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.history.HistoryFrames;
import dev.realtimekit.impl.history.Position;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.registry.TopicNames;
import dev.realtimekit.impl.registry.TopicRegistry;

/**
 * The kit's control frames for following more topics over one connection:
 * {@code {"type":"subscribe","topic":"..."}} and {@code {"type":"unsubscribe","topic":"..."}}
 * (reserved {@code type} values; off with {@code realtime.topic-frames=false}). A subscribe is
 * authorized by the application's {@link TopicAuthorizer} like a handshake, confirmed with
 * {@code {"type":"subscribed","topic":"..."}} or refused with
 * {@code {"type":"error","message":"<reason>","topic":"...","status":<HTTP status>}}; an unsubscribe is
 * confirmed with {@code {"type":"unsubscribed","topic":"..."}}. On a history topic the registry sends
 * the position frame instead of the confirmation ({@code subscribed} with the position, or with
 * {@code "since"}: the missed events, then {@code recovered} or {@code resync}). Runs on the connection's serial queue,
 * in order with its messages.
 */
public final class TopicFrames {

    /** How the kit's topic frames are configured. */
    public record Options(boolean enabled, int maxTopicsPerConnection, int maxTopicLength, long authTimeoutMs,
            TopicAuthorizer<Object> authorizer) {
        public static final Options DISABLED = new Options(false, 1, 1, 1, null);

        /** @param authorizer the application's topic authorizer, or null */
        public static Options of(RealtimeConfig config, TopicAuthorizer<Object> authorizer) {
            return new Options(config.topicFrames(), config.maxTopicsPerConnection(), config.maxTopicLength(),
                    config.authTimeoutMs(), authorizer);
        }
    }

    /**
     * A parsed control frame.
     *
     * @param id the frame's optional {@code "id"} (see {@link JsonCodec#messageId}), echoed in a refusal, or null
     * @param since the subscribe frame's {@code "since"} as sent (a string, or "" when of another type), or null
     */
    record Control(boolean subscribe, String topic, JsonValue id, String since) {
        Control(boolean subscribe, String topic, JsonValue id) {
            this(subscribe, topic, id, null);
        }
    }

    /** The confirmations: {@code {"type":"subscribed","topic":"..."}}. */
    @JsonbPropertyOrder({"type", "topic"})
    public record Confirmation(String type, String topic) {
    }

    /** A refusal naming the topic and an HTTP status, and the frame's id when it had one (omitted when null). */
    @JsonbPropertyOrder({"type", "message", "topic", "status", "id"})
    public record Refusal(String type, String message, String topic, int status, JsonValue id) {
    }

    private final Options options;
    private final TopicRegistry registry;
    private final JsonCodec codec;
    private final LifecycleListener lifecycle;
    private final Runnable onRefusal;
    private final JsonParserFactory parsers = Json.createParserFactory(Map.of());

    TopicFrames(Options options, TopicRegistry registry, JsonCodec codec, LifecycleListener lifecycle) {
        this(options, registry, codec, lifecycle, () -> {
        });
    }

    /** @param onRefusal runs for each refusal frame sent (for the metrics) */
    TopicFrames(Options options, TopicRegistry registry, JsonCodec codec, LifecycleListener lifecycle, Runnable onRefusal) {
        this.onRefusal = onRefusal;
        this.options = options;
        this.registry = registry;
        this.codec = codec;
        this.lifecycle = lifecycle;
    }

    /**
     * @return the control frame this text is, or null when it is not one (then it is the
     *     application's message); a text naming no usable topic is a control frame with a null topic
     */
    Control parse(String text) {
        // Cheap first: most frames are the application's and never mention the word.
        if (!options.enabled() || !text.contains("subscribe\"")) {
            return null;
        }
        String type = null;
        String topic = null;
        JsonValue id = null;
        String since = null;
        boolean topicIsText = true;
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return null;
            }
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_OBJECT) {
                    break;
                }
                String key = parser.getString();
                JsonParser.Event value = parser.next();
                if (value == JsonParser.Event.START_OBJECT || value == JsonParser.Event.START_ARRAY) {
                    if (key.equals("topic")) {
                        topicIsText = false;
                    } else if (key.equals("since")) {
                        since = "";
                    }
                    JsonCodec.skipNested(parser);
                } else if (key.equals("type") && value == JsonParser.Event.VALUE_STRING) {
                    type = parser.getString();
                } else if (key.equals("topic")) {
                    topicIsText = value == JsonParser.Event.VALUE_STRING;
                    topic = topicIsText ? parser.getString() : null;
                } else if (key.equals("id") && id == null) {
                    id = JsonCodec.echoableId(parser, value);
                } else if (key.equals("since")) {
                    since = value == JsonParser.Event.VALUE_STRING ? parser.getString() : "";
                }
            }
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            return null; // not JSON: the application's decoder answers it
        }
        if (!"subscribe".equals(type) && !"unsubscribe".equals(type)) {
            return null;
        }
        return new Control(type.equals("subscribe"), topicIsText ? topic : null, id, since);
    }

    /** Handles a control frame of the connection. @return a stage that completes when it has been answered */
    CompletionStage<Void> handle(Connection<?> connection, Control control) {
        String topic = control.topic();
        if (!TopicNames.isValid(topic, options.maxTopicLength())) {
            refuse(connection, control, 400, "Invalid topic");
            return CompletableFuture.completedFuture(null);
        }
        if (!control.subscribe()) {
            unsubscribe(connection, control);
            return CompletableFuture.completedFuture(null);
        }
        if (topic.equals(connection.topic()) || connection.secondaryTopics().containsKey(topic)) {
            confirm(connection, "subscribed", topic);
            return CompletableFuture.completedFuture(null);
        }
        Position since = control.since() == null ? null : Position.parse(control.since());
        if (control.since() != null && since == null) {
            refuse(connection, control, 400, HandlerException.reasonPhrase(400));
            return CompletableFuture.completedFuture(null);
        }
        if (connection.secondaryTopics().size() + 1 >= options.maxTopicsPerConnection()) {
            refuse(connection, control, 429, "Too many topics");
            return CompletableFuture.completedFuture(null);
        }
        return authorize(connection, topic).thenCompose(status -> {
            if (status != 200) {
                refuse(connection, control, status, HandlerException.reasonPhrase(status));
                return CompletableFuture.completedFuture(null);
            }
            TopicSubscription subscription = new TopicSubscription(connection, topic, codec.encode(topic));
            // A history topic's subscriber gets its position frame from the registry, in order with its events.
            boolean history = registry.hasHistory(topic);
            String idMember = control.id() == null ? "" : ",\"id\":" + control.id();
            if (since != null && !history) {
                connection.deliver(HistoryFrames.noHistory(topic, "")); // before the topic's first event
            }
            return registry.add(subscription, since, idMember).handle((ignored, failure) -> {
                if (failure != null) {
                    Messages.subscribeFailed(topic, connection.id(), Stages.unwrap(failure));
                    refuse(connection, control, 503, HandlerException.reasonPhrase(503));
                } else if (connection.isClosed()) {
                    registry.remove(subscription);
                } else {
                    connection.secondaryTopics().put(topic, subscription);
                    if (!history) {
                        confirm(connection, "subscribed", topic);
                    }
                    lifecycle.subscribed(connection, topic);
                }
                return null;
            });
        });
    }

    private void unsubscribe(Connection<?> connection, Control control) {
        String topic = control.topic();
        if (topic.equals(connection.topic())) {
            refuse(connection, control, 400, "Cannot unsubscribe from the connection's own topic");
            return;
        }
        TopicSubscription subscription = connection.secondaryTopics().remove(topic);
        if (subscription != null) {
            registry.remove(subscription);
            lifecycle.unsubscribed(connection, topic);
        }
        confirm(connection, "unsubscribed", topic);
    }

    /** Leaves every topic the connection subscribed with frames (it has gone); tells the lifecycle if asked. */
    void leaveAll(Connection<?> connection, boolean tell) {
        for (String topic : java.util.List.copyOf(connection.secondaryTopics().keySet())) {
            TopicSubscription subscription = connection.secondaryTopics().remove(topic);
            if (subscription != null) {
                registry.remove(subscription);
                if (tell) {
                    lifecycle.unsubscribed(connection, topic);
                }
            }
        }
    }

    /** @return a stage with 200 when the user may follow the topic, else the HTTP status of the refusal */
    private CompletionStage<Integer> authorize(Connection<?> connection, String topic) {
        TopicAuthorizer<Object> authorizer = options.authorizer();
        if (authorizer == null) {
            return CompletableFuture.completedFuture(200);
        }
        return Stages.toFuture(Stages.call(() -> authorizer.authorize(connection.userId(), topic))).copy()
                .orTimeout(options.authTimeoutMs(), TimeUnit.MILLISECONDS)
                .handle((access, failure) -> {
                    if (failure == null) {
                        return access == TopicAccess.ALLOWED ? 200 : access == null ? 500 : access.httpStatus();
                    }
                    Throwable cause = Stages.unwrap(failure);
                    if (cause instanceof HandlerException refusal) {
                        return refusal.status();
                    }
                    if (cause instanceof TimeoutException) {
                        return 503;
                    }
                    Messages.authenticatorFailed(authorizer.getClass().getName(), cause);
                    return 500;
                });
    }

    private void confirm(Connection<?> connection, String type, String topic) {
        connection.deliver(codec.encode(new Confirmation(type, topic)));
    }

    private void refuse(Connection<?> connection, Control control, int status, String message) {
        onRefusal.run();
        connection.deliver(codec.encode(new Refusal("error", message, control.topic(), status, control.id())));
    }
}
