package dev.realtimekit.impl.dispatch;

import static dev.realtimekit.impl.dispatch.TestMessages.msg;
import static dev.realtimekit.impl.dispatch.TestMessages.said;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.ExcludesSender;
import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.impl.registry.TopicRegistry;
import dev.realtimekit.testsupport.Await;

/** Who gets what: excluding the sender, frames for a user or a connection, and the lifecycle's order. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DeliveryTargetsTest {

    /** An event that skips its sender. */
    public record Joined(String who) implements ExcludesSender {
    }

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final Jsonb jsonb = JsonbBuilder.create();
    private final ScriptedHandler handler = new ScriptedHandler();
    private final LocalEventBus bus = new LocalEventBus();
    private final TopicRegistry registry = new TopicRegistry(bus);
    private final List<String> lifecycle = new CopyOnWriteArrayList<>();
    private Dispatcher<TestMessages.Msg, Object, String> dispatcher;

    @BeforeEach
    void setUp() {
        bus.start(registry);
        LifecycleListener recording = new LifecycleListener() {
            @Override
            public void opened(Connection<?> connection) {
                lifecycle.add("opened " + connection.userId());
            }

            @Override
            public void subscribed(Connection<?> connection, String topic) {
                lifecycle.add("subscribed " + connection.userId() + " " + topic);
            }

            @Override
            public void unsubscribed(Connection<?> connection, String topic) {
                lifecycle.add("unsubscribed " + connection.userId() + " " + topic);
            }

            @Override
            public void closed(Connection<?> connection) {
                lifecycle.add("closed " + connection.userId());
            }
        };
        dispatcher = new Dispatcher<>(handler, "ScriptedHandler", TestMessages.Msg.class, new JsonCodec(jsonb), registry, bus,
                pool, new DispatchLimits(64, 1024, Long.MAX_VALUE, 0, 1, 0, 0, 0), recording, TopicFrames.Options.DISABLED);
        Await.result(dispatcher.startDirectDelivery());
    }

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    private Connection<String> connected(String user, String topic, FakeOutbound out) throws Exception {
        Connection<String> connection = dispatcher.open(user, topic, out);
        Await.until(user + " connected", () -> lifecycle.contains("subscribed " + user + " " + topic));
        return connection;
    }

    @Test
    void anEventWhoseTypeExcludesTheSenderReachesEveryoneElse() throws Exception {
        handler.broadcast("join", message -> CompletableFuture.completedFuture(Optional.of(new Joined(message.text()))));
        FakeOutbound aliceOut = new FakeOutbound();
        FakeOutbound bobOut = new FakeOutbound();
        Connection<String> alice = connected("alice", "room", aliceOut);
        connected("bob", "room", bobOut);

        dispatcher.message(alice, msg("join", "alice"));
        dispatcher.message(alice, msg("say", "after"));

        assertEquals(List.of("{\"who\":\"alice\"}", said("after")), bobOut.awaitFrames(2));
        assertEquals(List.of(said("after")), aliceOut.awaitFrames(1), "the sender gets its plain events only");
    }

    @Test
    void broadcastToOthersSkipsTheConnectionItself() throws Exception {
        FakeOutbound aliceOut = new FakeOutbound();
        FakeOutbound bobOut = new FakeOutbound();
        Connection<String> alice = connected("alice", "room", aliceOut);
        connected("bob", "room", bobOut);

        Await.result(alice.broadcastToOthers(new TestMessages.Said("psst")));
        Await.result(alice.send(new TestMessages.Said("mine")));

        assertEquals(List.of(said("psst")), bobOut.frames());
        assertEquals(List.of(said("mine")), aliceOut.frames());
    }

    @Test
    void aFrameForAUserReachesAllItsConnectionsWhateverTheTopicAndNobodyElse() throws Exception {
        FakeOutbound first = new FakeOutbound();
        FakeOutbound second = new FakeOutbound();
        FakeOutbound other = new FakeOutbound();
        connected("alice", "room", first);
        connected("alice", "elsewhere", second);
        connected("bob", "room", other);

        Await.result(bus.publish(BusMessages.DIRECT_TOPIC, BusMessages.toUser("alice", said("for alice"))));

        assertEquals(List.of(said("for alice")), first.frames());
        assertEquals(List.of(said("for alice")), second.frames());
        assertEquals(List.of(), other.frames());
    }

    @Test
    void aFrameForAConnectionReachesThatOneOnlyAndAGoneOneNobody() throws Exception {
        FakeOutbound first = new FakeOutbound();
        FakeOutbound second = new FakeOutbound();
        Connection<String> target = connected("alice", "room", first);
        Connection<String> gone = connected("alice", "room", second);
        dispatcher.closed(gone);
        Await.until("gone forgotten", () -> gone.finished().isDone());

        Await.result(bus.publish(BusMessages.DIRECT_TOPIC, BusMessages.toConnection(target.id(), said("one"))));
        Await.result(bus.publish(BusMessages.DIRECT_TOPIC, BusMessages.toConnection(gone.id(), said("none"))));
        Await.result(bus.publish(BusMessages.DIRECT_TOPIC, BusMessages.toUser("alice", said("user"))));

        assertEquals(List.of(said("one"), said("user")), first.frames());
        assertEquals(List.of(), second.frames());
    }

    @Test
    void theLifecycleIsToldOnceEachInOrder() throws Exception {
        Connection<String> alice = connected("alice", "room", new FakeOutbound());

        dispatcher.closed(alice);

        Await.until("closed told", () -> lifecycle.contains("closed alice"));
        assertEquals(List.of("opened alice", "subscribed alice room", "unsubscribed alice room", "closed alice"), lifecycle);
    }

    @Test
    void aConnectionWhoseOnConnectFailedIsNeverAnnounced() throws Exception {
        handler.onConnect = ctx -> CompletableFuture.failedFuture(new IllegalStateException("no"));
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);
        out.awaitLog(2); // error frame and close 1011

        dispatcher.closed(alice);

        Await.until("alice finished", () -> alice.finished().isDone());
        assertEquals(List.of(), lifecycle);
    }
}
