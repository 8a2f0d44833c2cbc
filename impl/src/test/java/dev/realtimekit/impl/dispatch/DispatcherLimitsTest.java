package dev.realtimekit.impl.dispatch;

import static dev.realtimekit.impl.dispatch.TestMessages.error;
import static dev.realtimekit.impl.dispatch.TestMessages.msg;
import static dev.realtimekit.impl.dispatch.TestMessages.pong;
import static dev.realtimekit.impl.dispatch.TestMessages.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
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
import dev.realtimekit.impl.registry.TopicRegistry;
import dev.realtimekit.testsupport.Await;

/** The dispatcher's limits: connections per node and per user, message rate, handler time, unopened connections. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DispatcherLimitsTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final Jsonb jsonb = JsonbBuilder.create();
    private final ScriptedHandler handler = new ScriptedHandler();
    private final LocalEventBus bus = new LocalEventBus();
    private final TopicRegistry registry = new TopicRegistry(bus);

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        jsonb.close();
    }

    private Dispatcher<TestMessages.Msg, Object, String> dispatcher(DispatchLimits limits) {
        bus.start(registry);
        return new Dispatcher<>(handler, "ScriptedHandler", TestMessages.Msg.class, new JsonCodec(jsonb), registry, bus,
                pool, limits);
    }

    private static DispatchLimits limits(int perSecond, int burst, int maxConnections, int perUser, long handlerTimeoutMs) {
        return new DispatchLimits(64, 1024, Long.MAX_VALUE, perSecond, burst, maxConnections, perUser, handlerTimeoutMs);
    }

    @Test
    void aFullNodeRefusesWith503UntilAConnectionHasGone() throws Exception {
        var dispatcher = dispatcher(limits(0, 1, 2, 0, 0));
        Connection<String> first = dispatcher.open("alice", "room", new FakeOutbound());
        dispatcher.open("bob", "room", new FakeOutbound());

        assertEquals(503, assertThrows(ConnectionLimitException.class, () -> dispatcher.prepare("carol", "room")).status());

        dispatcher.closed(first);
        Await.until("alice's connection finished", () -> first.finished().isDone());
        dispatcher.prepare("carol", "room");
    }

    @Test
    void oneUserIsRefusedWith429BeyondItsLimitWhileOthersConnect() throws Exception {
        var dispatcher = dispatcher(limits(0, 1, 0, 2, 0));
        Connection<String> first = dispatcher.prepare("alice", "room");
        dispatcher.prepare("alice", "other");

        assertEquals(429, assertThrows(ConnectionLimitException.class, () -> dispatcher.prepare("alice", "room")).status());
        dispatcher.prepare("bob", "room");

        dispatcher.abandon(first);
        dispatcher.prepare("alice", "room");
    }

    @Test
    void messagesBeyondTheRateGetErrorFramesAndPersistentFloodingCloses1008() throws Exception {
        var dispatcher = dispatcher(limits(1, 2, 0, 0, 0));
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);
        Await.until("alice connected", alice::connected);

        for (int i = 0; i < 6; i++) {
            dispatcher.message(alice, msg("ping", "p" + i));
        }

        List<String> log = out.awaitLog(6);
        String limited = error(Dispatcher.RATE_LIMITED);
        assertEquals(List.of("frame " + limited, "frame " + limited, "frame " + limited, "close 1008"),
                log.stream().filter(line -> line.contains("Rate limit") || line.startsWith("close")).toList(), log.toString());
        Await.until("both accepted pings answered", () -> out.frames().containsAll(List.of(pong("p0"), pong("p1"))));
        assertFalse(out.frames().contains(pong("p2")), "a refused message is not handled");
    }

    @Test
    void binaryFramesCountAgainstTheRateToo() throws Exception {
        var dispatcher = dispatcher(limits(1, 2, 0, 0, 0));
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);

        for (int i = 0; i < 6; i++) {
            dispatcher.binaryMessage(alice);
        }

        String binary = error(Dispatcher.BINARY_NOT_SUPPORTED);
        String limited = error(Dispatcher.RATE_LIMITED);
        List<String> log = out.awaitLog(6);
        assertEquals(2, log.stream().filter(("frame " + binary)::equals).count(), log.toString());
        assertEquals(3, log.stream().filter(("frame " + limited)::equals).count(), log.toString());
        assertTrue(log.contains("close 1008"), log.toString());
    }

    @Test
    void aHandlerStageThatNeverCompletesGetsAnErrorFrameAndTheNextMessageIsHandled() throws Exception {
        var dispatcher = dispatcher(limits(0, 1, 0, 0, 200));
        handler.direct("hang", message -> new CompletableFuture<>());
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);

        dispatcher.message(alice, msg("hang", "forever"));
        dispatcher.message(alice, msg("ping", "after"));

        assertEquals(List.of(error(Dispatcher.HANDLER_TIMED_OUT), pong("after")), out.awaitFrames(2));
    }

    @Test
    void aHandlersOwnTimeoutIsAnOrdinaryFailureNotTheKitsTimeout() throws Exception {
        var dispatcher = dispatcher(limits(0, 1, 0, 0, 5_000));
        handler.direct("fail", message -> CompletableFuture.supplyAsync(() -> {
            throw new java.util.concurrent.CompletionException(new java.util.concurrent.TimeoutException("mine"));
        }));
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);

        dispatcher.message(alice, msg("fail", "x"));

        assertEquals(List.of(error("Internal server error")), out.awaitFrames(1));
    }

    @Test
    void aSlowButTimelyHandlerIsNotCutShort() throws Exception {
        var dispatcher = dispatcher(limits(0, 1, 0, 0, 5_000));
        handler.broadcast("slow", message -> CompletableFuture.supplyAsync(() -> Optional.of(new TestMessages.Said("late")),
                CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)));
        FakeOutbound out = new FakeOutbound();
        Connection<String> alice = dispatcher.open("alice", "room", out);

        dispatcher.message(alice, msg("slow", "x"));

        assertEquals(List.of(said("late")), out.awaitFrames(1));
    }

    @Test
    void aPreparedConnectionWhoseSessionNeverOpensIsAbandonedAndALateSessionIsRefused() throws Exception {
        var dispatcher = dispatcher(limits(0, 1, 0, 0, 0));
        Connection<String> stale = dispatcher.prepare("alice", "room");
        Await.result(dispatcher.subscribe(stale));
        long afterStale = System.nanoTime() + 1;
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        Connection<String> fresh = dispatcher.prepare("bob", "room");
        Await.result(dispatcher.subscribe(fresh));

        assertEquals(1, dispatcher.abandonUnopened(afterStale));

        assertTrue(stale.finished().isDone());
        assertEquals(1, registry.subscriberCount(), "only the fresh connection is still subscribed");
        assertFalse(dispatcher.opened(stale, new FakeOutbound()), "a session opening for an abandoned connection");
        assertTrue(dispatcher.opened(fresh, new FakeOutbound()));
        assertEquals(0, dispatcher.abandonUnopened(System.nanoTime() + 1), "an opened connection is never abandoned");
        assertEquals(List.of("connect bob"), handlerConnects());
    }

    private List<String> handlerConnects() {
        Await.until("bob connected", () -> handler.labels().contains("connect bob"));
        return handler.labels("connect ");
    }
}
