package dev.realtimekit.impl.dispatch;

import static dev.realtimekit.impl.dispatch.TestMessages.msg;
import static dev.realtimekit.impl.dispatch.TestMessages.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.history.HistorySettings;
import dev.realtimekit.impl.history.Position;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.impl.registry.History;
import dev.realtimekit.impl.registry.TopicRegistry;

/** History topics through the dispatcher: the path topic's position frame, and subscribe frames with since. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HistoryFramesTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final Jsonb jsonb = JsonbBuilder.create();
    private final HistorySettings settings = new HistorySettings(List.of("news*"), 10, 60_000);
    private final LocalEventBus bus = new LocalEventBus(settings);
    private final TopicRegistry registry = new TopicRegistry(bus, RealtimeMetrics.NONE, null,
            new History(settings, bus::readHistory, pool, 100, gap -> {
            }));
    private final Dispatcher<TestMessages.Msg, Object, String> dispatcher = dispatcher();

    private Dispatcher<TestMessages.Msg, Object, String> dispatcher() {
        bus.start(registry);
        return new Dispatcher<>(new ScriptedHandler(), "ScriptedHandler", TestMessages.Msg.class, new JsonCodec(jsonb), registry,
                bus, pool, new DispatchLimits(64, 1024, Long.MAX_VALUE, 0, 1, 0, 0, 0), LifecycleListener.NONE,
                new TopicFrames.Options(true, 16, 256, 200, null));
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void aFollowedHistoryTopicRecoversFromSinceAndAnswersWithTheFramesId() throws Exception {
        FakeOutbound bobOut = new FakeOutbound();
        Connection<String> bob = dispatcher.open("bob", "news", bobOut);
        String subscribed = bobOut.awaitFrames(1).get(0);
        assertTrue(subscribed.matches("\\{\"type\":\"subscribed\",\"topic\":\"news\",\"epoch\":\"[A-Za-z0-9]+\",\"seq\":0}"), subscribed);
        String epoch = subscribed.replaceAll(".*\"epoch\":\"([^\"]+)\".*", "$1");
        for (int i = 1; i <= 3; i++) {
            dispatcher.message(bob, msg("say", "n" + i));
        }
        bobOut.awaitFrames(4);

        FakeOutbound aliceOut = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", aliceOut);
        dispatcher.message(alice, "{\"type\":\"subscribe\",\"topic\":\"news\",\"since\":\"" + new Position(epoch, 1) + "\",\"id\":\"s1\"}");
        assertEquals(List.of(event(epoch, 2, said("n2")), event(epoch, 3, said("n3")),
                "{\"type\":\"recovered\",\"topic\":\"news\",\"epoch\":\"" + epoch + "\",\"seq\":3,\"replayed\":2,\"id\":\"s1\"}"),
                aliceOut.awaitFrames(3));
        dispatcher.message(bob, msg("say", "n4"));
        assertEquals(event(epoch, 4, said("n4")), aliceOut.awaitFrames(4).get(3), "then live, numbered");
    }

    @Test
    void sinceOnATopicWithoutHistoryIsANoHistoryResyncAndAMalformedOneIsRefused() throws Exception {
        FakeOutbound aliceOut = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", aliceOut);
        dispatcher.message(alice, "{\"type\":\"subscribe\",\"topic\":\"plain\",\"since\":\"Abc:4\"}");
        dispatcher.message(alice, "{\"type\":\"subscribe\",\"topic\":\"news\",\"since\":{\"epoch\":\"Abc\"},\"id\":2}");
        assertEquals(List.of("{\"type\":\"resync\",\"topic\":\"plain\",\"reason\":\"no-history\"}",
                "{\"type\":\"subscribed\",\"topic\":\"plain\"}",
                "{\"type\":\"error\",\"message\":\"Bad Request\",\"topic\":\"news\",\"status\":400,\"id\":2}"), aliceOut.awaitFrames(3));
    }

    private static String event(String epoch, long seq, String event) {
        return "{\"type\":\"event\",\"topic\":\"news\",\"epoch\":\"" + epoch + "\",\"seq\":" + seq + ",\"event\":" + event + "}";
    }
}
