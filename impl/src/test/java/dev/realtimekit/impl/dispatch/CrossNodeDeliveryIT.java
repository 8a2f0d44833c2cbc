package dev.realtimekit.impl.dispatch;

import static dev.realtimekit.impl.dispatch.TestMessages.msg;
import static dev.realtimekit.impl.dispatch.TestMessages.said;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.impl.bus.redis.RedisEventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.impl.registry.TopicRegistry;
import dev.realtimekit.testsupport.Await;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * Frames for a user, for a connection, and events that skip their sender, between two nodes (each a
 * dispatcher, registry and Redis bus of its own) through a real redis-server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossNodeDeliveryIT {

    private static RedisProcess redis;
    private final String prefix = "it-" + UUID.randomUUID() + ":";
    private final List<Node> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(Node::close);
    }

    /** One node: its own bus, registry, dispatcher and executor; the test's handler. */
    private final class Node {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        final Jsonb jsonb = JsonbBuilder.create();
        final ScriptedHandler handler = new ScriptedHandler();
        final RedisEventBus bus = RedisEventBus.create(RealtimeConfigs.redis(redis.address(), prefix));
        final TopicRegistry registry = new TopicRegistry(bus);
        final Dispatcher<TestMessages.Msg, Object, String> dispatcher;

        Node() {
            bus.start(registry);
            dispatcher = new Dispatcher<>(handler, "ScriptedHandler", TestMessages.Msg.class, new JsonCodec(jsonb), registry,
                    bus, pool, new DispatchLimits(64, 1024, Long.MAX_VALUE, 0, 1, 0, 0, 0));
            Await.result(dispatcher.startDirectDelivery());
            nodes.add(this);
        }

        Connection<String> connect(String user, String topic, FakeOutbound out) throws Exception {
            Connection<String> connection = dispatcher.prepare(user, topic);
            Await.result(dispatcher.subscribe(connection));
            dispatcher.opened(connection, out);
            Await.until(user + " connected", connection::connected);
            return connection;
        }

        void close() {
            bus.close();
            pool.shutdownNow();
        }
    }

    @Test
    void aFrameForAUserReachesItsConnectionsOnBothNodesAndNobodyElse() throws Exception {
        Node a = new Node();
        Node b = new Node();
        FakeOutbound onA = new FakeOutbound();
        FakeOutbound onB = new FakeOutbound();
        FakeOutbound otherOnB = new FakeOutbound();
        a.connect("alice", "room", onA);
        b.connect("alice", "elsewhere", onB);
        b.connect("bob", "room", otherOnB);

        Await.result(a.bus.publish(BusMessages.DIRECT_TOPIC, BusMessages.toUser("alice", said("for alice"))));

        assertEquals(List.of(said("for alice")), onA.awaitFrames(1));
        assertEquals(List.of(said("for alice")), onB.awaitFrames(1));
        Await.result(a.bus.publish(BusMessages.DIRECT_TOPIC, BusMessages.toUser("bob", said("for bob"))));
        assertEquals(List.of(said("for bob")), otherOnB.awaitFrames(1), "bob's frame came after alice's, and only his");
        assertEquals(1, onA.frames().size());
    }

    @Test
    void aFrameForAConnectionOnTheOtherNodeReachesItOnly() throws Exception {
        Node a = new Node();
        Node b = new Node();
        FakeOutbound first = new FakeOutbound();
        FakeOutbound target = new FakeOutbound();
        a.connect("alice", "room", first);
        Connection<String> onB = b.connect("alice", "room", target);

        Await.result(a.bus.publish(BusMessages.DIRECT_TOPIC, BusMessages.toConnection(onB.id(), said("only you"))));
        Await.result(a.bus.publish(BusMessages.DIRECT_TOPIC, BusMessages.toUser("alice", said("both"))));

        assertEquals(List.of(said("only you"), said("both")), target.awaitFrames(2));
        assertEquals(List.of(said("both")), first.awaitFrames(1));
    }

    @Test
    void anEventThatExcludesItsSenderSkipsItOnItsNodeAndReachesEveryoneOnBoth() throws Exception {
        Node a = new Node();
        Node b = new Node();
        a.handler.broadcast("join", message -> CompletableFuture.completedFuture(
                Optional.of(new DeliveryTargetsTest.Joined(message.text()))));
        FakeOutbound sender = new FakeOutbound();
        FakeOutbound neighbour = new FakeOutbound();
        FakeOutbound remote = new FakeOutbound();
        Connection<String> alice = a.connect("alice", "room", sender);
        a.connect("carol", "room", neighbour);
        b.connect("bob", "room", remote);

        a.dispatcher.message(alice, msg("join", "alice"));
        a.dispatcher.message(alice, msg("say", "after"));

        String joined = "{\"who\":\"alice\"}";
        assertEquals(List.of(joined, said("after")), neighbour.awaitFrames(2));
        assertEquals(List.of(joined, said("after")), remote.awaitFrames(2));
        assertEquals(List.of(said("after")), sender.awaitFrames(1));
    }
}
