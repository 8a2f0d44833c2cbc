package dev.realtimekit.impl.dispatch;

import static dev.realtimekit.impl.dispatch.TestMessages.msg;
import static dev.realtimekit.impl.dispatch.TestMessages.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.HandlerException;
import dev.realtimekit.TopicAccess;
import dev.realtimekit.TopicAuthorizer;
import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.registry.TopicRegistry;
import dev.realtimekit.testsupport.Await;

/** Subscribe and unsubscribe frames: authorization, confirmations, the envelope, limits, cleanup. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TopicFramesTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final Jsonb jsonb = JsonbBuilder.create();
    private final ScriptedHandler handler = new ScriptedHandler();
    private final LocalEventBus bus = new LocalEventBus();
    private final TopicRegistry registry = new TopicRegistry(bus);
    private final List<String> lifecycle = new CopyOnWriteArrayList<>();
    /** Topics starting with "secret" are forbidden, "broken" fails, "slow" never answers; others are allowed. */
    private final TopicAuthorizer<Object> authorizer = (user, topic) -> {
        if (topic.startsWith("secret")) {
            return CompletableFuture.completedFuture(TopicAccess.FORBIDDEN);
        }
        if (topic.startsWith("broken")) {
            return CompletableFuture.failedFuture(new IllegalStateException("authorizer bug"));
        }
        if (topic.startsWith("teapot")) {
            return CompletableFuture.failedFuture(new HandlerException(418, "no"));
        }
        return topic.startsWith("slow") ? new CompletableFuture<>() : CompletableFuture.completedFuture(TopicAccess.ALLOWED);
    };

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    private Dispatcher<TestMessages.Msg, Object, String> dispatcher(boolean enabled, int maxTopics) {
        bus.start(registry);
        LifecycleListener recording = new LifecycleListener() {
            // The topics followed with frames only, not the path topics.
            @Override
            public void subscribed(Connection<?> connection, String topic) {
                if (!topic.equals(connection.topic())) {
                    lifecycle.add("subscribed " + topic);
                }
            }

            @Override
            public void unsubscribed(Connection<?> connection, String topic) {
                if (!topic.equals(connection.topic())) {
                    lifecycle.add("unsubscribed " + topic);
                }
            }
        };
        return new Dispatcher<>(handler, "ScriptedHandler", TestMessages.Msg.class, new JsonCodec(jsonb), registry, bus, pool,
                new DispatchLimits(64, 1024, Long.MAX_VALUE, 0, 1, 0, 0, 0), recording,
                new TopicFrames.Options(enabled, maxTopics, 256, 200, authorizer));
    }

    private static String subscribe(String topic) {
        return "{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}";
    }

    private static String unsubscribe(String topic) {
        return "{\"type\":\"unsubscribe\",\"topic\":\"" + topic + "\"}";
    }

    private static String confirmed(String type, String topic) {
        return "{\"type\":\"" + type + "\",\"topic\":\"" + topic + "\"}";
    }

    private static String refused(String message, String topic, int status) {
        return "{\"type\":\"error\",\"message\":\"" + message + "\",\"topic\":\"" + topic + "\",\"status\":" + status + "}";
    }

    @Test
    void aSubscribedTopicsEventsArriveWrappedAndThePathTopicsStayBare() throws Exception {
        var dispatcher = dispatcher(true, 16);
        FakeOutbound aliceOut = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", aliceOut);
        Connection<String> bob = dispatcher.open("bob", "random", new FakeOutbound());

        dispatcher.message(alice, subscribe("random"));
        assertEquals(List.of(confirmed("subscribed", "random")), aliceOut.awaitFrames(1));
        dispatcher.message(bob, msg("say", "from random"));
        aliceOut.awaitFrames(2); // two connections' messages have no order between them: one after the other
        dispatcher.message(alice, msg("say", "from room"));

        assertEquals(List.of(confirmed("subscribed", "random"),
                "{\"type\":\"event\",\"topic\":\"random\",\"event\":" + said("from random") + "}", said("from room")),
                aliceOut.awaitFrames(3));
        assertEquals(List.of("subscribed random"), lifecycle);
    }

    @Test
    void afterUnsubscribeNothingArrivesAndTheLastFollowerReleasesTheTopic() throws Exception {
        var dispatcher = dispatcher(true, 16);
        FakeOutbound aliceOut = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", aliceOut);
        dispatcher.message(alice, subscribe("random"));
        aliceOut.awaitFrames(1);
        assertEquals(1, registry.subscriberCount("random"));

        dispatcher.message(alice, unsubscribe("random"));
        assertEquals(confirmed("unsubscribed", "random"), aliceOut.awaitFrames(2).get(1));
        Await.result(bus.publish("random", said("too late")));

        assertEquals(0, registry.subscriberCount("random"));
        assertEquals(2, aliceOut.frames().size(), aliceOut.frames().toString());
        assertEquals(List.of("subscribed random", "unsubscribed random"), lifecycle);
    }

    @Test
    void refusalsNameTheTopicAndTheStatusAndDeliverNothing() throws Exception {
        var dispatcher = dispatcher(true, 16);
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);

        for (String topic : List.of("secret-1", "broken-1", "teapot", "slow-1")) {
            dispatcher.message(alice, subscribe(topic));
        }
        dispatcher.message(alice, "{\"type\":\"subscribe\",\"topic\":\"\"}");
        dispatcher.message(alice, "{\"type\":\"subscribe\",\"topic\":42}");
        dispatcher.message(alice, unsubscribe("room"));

        assertEquals(List.of(refused("Forbidden", "secret-1", 403), refused("Internal Server Error", "broken-1", 500),
                refused("Error 418", "teapot", 418), refused("Service Unavailable", "slow-1", 503),
                refused("Invalid topic", "", 400), "{\"type\":\"error\",\"message\":\"Invalid topic\",\"status\":400}",
                refused("Cannot unsubscribe from the connection's own topic", "room", 400)), out.awaitFrames(7));
        assertEquals(1, registry.topicCount(), "only the path topic");
        assertEquals(List.of(), lifecycle);
    }

    @Test
    void aRefusalEchoesTheIdOfTheFrameItAnswers() throws Exception {
        var dispatcher = dispatcher(true, 16);
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);

        dispatcher.message(alice, "{\"type\":\"subscribe\",\"topic\":\"secret-1\",\"id\":\"s-1\"}");
        dispatcher.message(alice, "{\"id\":9,\"type\":\"unsubscribe\",\"topic\":\"room\"}");
        dispatcher.message(alice, "{\"type\":\"subscribe\",\"topic\":\"secret-2\",\"id\":{\"not\":\"echoed\"}}");

        assertEquals(List.of(
                "{\"type\":\"error\",\"message\":\"Forbidden\",\"topic\":\"secret-1\",\"status\":403,\"id\":\"s-1\"}",
                "{\"type\":\"error\",\"message\":\"Cannot unsubscribe from the connection's own topic\",\"topic\":\"room\",\"status\":400,\"id\":9}",
                refused("Forbidden", "secret-2", 403)), out.awaitFrames(3));
    }

    @Test
    void aConnectionFollowsAtMostItsLimitOfTopicsAndSubscribingTwiceDeliversOnce() throws Exception {
        var dispatcher = dispatcher(true, 3);
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);

        dispatcher.message(alice, subscribe("a"));
        dispatcher.message(alice, subscribe("a"));
        dispatcher.message(alice, subscribe("b"));
        dispatcher.message(alice, subscribe("c"));
        dispatcher.message(alice, subscribe("room"));

        assertEquals(List.of(confirmed("subscribed", "a"), confirmed("subscribed", "a"), confirmed("subscribed", "b"),
                refused("Too many topics", "c", 429), confirmed("subscribed", "room")), out.awaitFrames(5));
        Await.result(bus.publish("a", said("once")));
        assertEquals(6, out.frames().size());
    }

    @Test
    void aClosedConnectionLeavesEveryTopicItFollowed() throws Exception {
        var dispatcher = dispatcher(true, 16);
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);
        dispatcher.message(alice, subscribe("a"));
        dispatcher.message(alice, subscribe("b"));
        out.awaitFrames(2);

        dispatcher.closed(alice);

        Await.until("alice finished", () -> alice.finished().isDone());
        assertEquals(0, registry.topicCount());
        assertEquals(List.of("subscribed a", "subscribed b"), lifecycle.subList(0, 2));
        assertEquals(java.util.Set.of("unsubscribed a", "unsubscribed b"), java.util.Set.copyOf(lifecycle.subList(2, lifecycle.size())));
        assertEquals(4, lifecycle.size(), lifecycle.toString());
    }

    @Test
    void withTopicFramesOffTheFrameIsTheApplicationsMessage() throws Exception {
        var dispatcher = dispatcher(false, 16);
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);

        dispatcher.message(alice, "{\"type\":\"subscribe\",\"topic\":\"random\",\"kind\":\"say\",\"text\":\"mine\"}");

        assertEquals(List.of(said("mine")), out.awaitFrames(1));
        assertEquals(0, registry.subscriberCount("random"));
    }

    @Test
    void framesThatOnlyMentionTheWordAreTheApplicationsMessages() {
        TopicFrames frames = new TopicFrames(new TopicFrames.Options(true, 16, 256, 200, null), registry,
                new JsonCodec(jsonb), LifecycleListener.NONE);

        assertNull(frames.parse("{\"kind\":\"say\",\"text\":\"please subscribe\\\" me\"}"));
        assertNull(frames.parse("{\"type\":\"subscribed\",\"topic\":\"x\"}"));
        assertNull(frames.parse("[\"subscribe\"]"));
        assertNull(frames.parse("{\"type\":\"subscribe\""), "truncated");
        assertEquals(new TopicFrames.Control(true, "x", null), frames.parse("{\"topic\":\"x\",\"nested\":{\"a\":[1]},\"type\":\"subscribe\"}"));
    }
}
