package dev.realtimekit.impl.dispatch;

import static dev.realtimekit.impl.dispatch.ScriptedHandler.done;
import static dev.realtimekit.impl.dispatch.TestMessages.error;
import static dev.realtimekit.impl.dispatch.TestMessages.msg;
import static dev.realtimekit.impl.dispatch.TestMessages.pong;
import static dev.realtimekit.impl.dispatch.TestMessages.said;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.realtimekit.ClientError;
import dev.realtimekit.HandlerException;
import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.dispatch.TestMessages.Msg;
import dev.realtimekit.impl.dispatch.TestMessages.Pong;
import dev.realtimekit.impl.dispatch.TestMessages.Said;
import dev.realtimekit.impl.registry.TopicRegistry;
import dev.realtimekit.testsupport.Await;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class DispatcherTest {

    private static final String POOL_PREFIX = "dispatch-test-";
    private static final String INTERNAL_ERROR = "{\"type\":\"error\",\"message\":\"Internal server error\"}";
    private static final String INVALID_FORMAT = "{\"type\":\"error\",\"message\":\"Invalid message format\"}";
    private static final String BROADCAST_FAILED = "{\"type\":\"error\",\"message\":\"Failed to broadcast event\"}";
    private static final String TOO_MANY_PENDING = "{\"type\":\"error\",\"message\":\"Too many pending messages\"}";
    private static final String SYNC_PONG = "{\"pong\":\"sync-";

    private final Thread testThread = Thread.currentThread();
    private final AtomicInteger eventEncodings = new AtomicInteger();
    private final AtomicInteger syncs = new AtomicInteger();
    private ExecutorService pool;
    private HoldableExecutor executor;
    private Jsonb jsonb;
    private ScriptedHandler handler;
    private TestBus bus;
    private TopicRegistry registry;
    private Dispatcher<Msg, Object, String> dispatcher;

    @BeforeEach
    void setUp() {
        AtomicInteger threads = new AtomicInteger();
        pool = Executors.newFixedThreadPool(4, task -> new Thread(task, POOL_PREFIX + threads.incrementAndGet()));
        executor = new HoldableExecutor(pool);
        jsonb = JsonbBuilder.create();
        handler = new ScriptedHandler();
        bus = new TestBus();
        registry = new TopicRegistry(bus);
        bus.start(registry);
        dispatcher = dispatcher(64);
    }

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS), "executor did not stop");
        jsonb.close();
    }

    // Dispatch: direct, then broadcast

    @Test
    void presentDirectReplyGoesToTheSenderOnlyAndSkipsTheBroadcastHandler() {
        Client alice = connected("alice", "room");
        Client bob = connected("bob", "room");

        alice.send("ping", "hi");

        assertEquals(List.of(pong("hi")), alice.sync());
        assertEquals(List.of(), bob.sync());
        assertEquals(List.of(), handler.labels("broadcast "));
        assertEquals(0, bus.publishes.get());
    }

    @Test
    void emptyDirectReplyFallsThroughToTheBroadcastOfTheTopicOnly() {
        Client alice = connected("alice", "room");
        Client bob = connected("bob", "room");
        Client carol = connected("carol", "elsewhere");

        alice.send("say", "hello");

        assertEquals(List.of(said("hello")), alice.sync());
        assertEquals(List.of(said("hello")), bob.frames());
        assertEquals(List.of(), carol.sync());
        assertSame(handler.call("direct hello").argument(), handler.call("broadcast hello").argument(),
                "the broadcast handler gets the very message the direct handler got");
    }

    @Test
    void anEventIsSerializedAndPublishedOnceForAllSubscribers() {
        List<Client> room = List.of(connected("alice", "room"), connected("bob", "room"), connected("carol", "room"));

        room.get(0).send("say", "once");

        List<String> received = room.stream().map(client -> client.out.awaitFrames(1).get(0)).toList();
        assertEquals(said("once"), received.get(0));
        assertSame(received.get(0), received.get(1));
        assertSame(received.get(0), received.get(2));
        room.get(0).sync();
        assertEquals(1, eventEncodings.get(), "JSON-B serializations of the event");
        assertEquals(1, bus.publishes.get(), "publishes on the bus");
    }

    @Test
    void aSubscriberWhoseOutboundFailsDoesNotKeepTheEventFromTheOthers() {
        Client alice = connected("alice", "room");
        Client broken = connected("broken", "room");
        Client carol = connected("carol", "room");
        broken.out.failWith(new IllegalStateException("socket gone"));

        alice.send("say", "still here");

        assertEquals(List.of(said("still here")), alice.sync());
        assertEquals(List.of(said("still here")), carol.frames());
    }

    @Test
    void contextSendQueuesTheSerializedValueAndFailsWhenTheOutboundDoes() {
        Client alice = connected("alice", "room");

        Await.result(alice.connection.send(new Pong("pushed")));
        alice.out.failWith(new IllegalStateException("closed"));
        Throwable failure = Await.failure(alice.connection.send(new Pong("lost")));

        assertEquals(List.of(pong("pushed")), alice.out.frames());
        assertEquals("closed", failure.getMessage());
    }

    // Failures of the handler

    enum Failure {
        HANDLER_EXCEPTION_WITH_MESSAGE(error("Name taken"), m -> {
            throw new HandlerException(422, "Name taken");
        }),
        HANDLER_EXCEPTION_WITHOUT_MESSAGE(error("Conflict"), m -> CompletableFuture.failedFuture(new HandlerException(409))),
        HANDLER_EXCEPTION_COMPLETED_LATER(error("Not Found"), m -> CompletableFuture
                .runAsync(() -> { }, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS))
                .thenApply(ignored -> {
                    throw new HandlerException(404);
                })),
        THROWN_RUNTIME_EXCEPTION(INTERNAL_ERROR, m -> {
            throw new IllegalStateException("secret detail");
        }),
        FAILED_STAGE(INTERNAL_ERROR, m -> CompletableFuture.failedFuture(new IllegalStateException("secret detail"))),
        NULL_STAGE(INTERNAL_ERROR, m -> null),
        NULL_OPTIONAL(INTERNAL_ERROR, m -> done(null));

        final String frame;
        final Function<Msg, CompletionStage<Optional<Object>>> behaviour;

        Failure(String frame, Function<Msg, CompletionStage<Optional<Object>>> behaviour) {
            this.frame = frame;
            this.behaviour = behaviour;
        }
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void aFailedDirectHandlerAnswersAnErrorFrameBroadcastsNothingAndKeepsTheConnectionUsable(Failure failure) {
        handler.direct("fail", failure.behaviour);
        assertFailureReported(failure.frame);
        assertEquals(List.of("direct f", "direct after", "broadcast after"), handledMessages());
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void aFailedBroadcastHandlerAnswersAnErrorFrameBroadcastsNothingAndKeepsTheConnectionUsable(Failure failure) {
        handler.broadcast("fail", failure.behaviour);
        assertFailureReported(failure.frame);
        assertEquals(List.of("direct f", "broadcast f", "direct after", "broadcast after"), handledMessages());
    }

    private void assertFailureReported(String expectedFrame) {
        Client alice = connected("alice", "room");
        Client bob = connected("bob", "room");

        alice.send("fail", "f");

        assertEquals(List.of(expectedFrame), alice.sync());
        assertEquals(List.of(), bob.frames(), "nothing is broadcast");
        assertEquals(0, bus.publishes.get());

        alice.send("say", "after");
        assertEquals(List.of(expectedFrame, said("after")), alice.sync());
        assertEquals(List.of(said("after")), bob.frames());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"kind\":", "", "[1,2]", "\"text\"", "42", "null", "{\"kind\":{\"x\":1}}"})
    void aFrameThatIsNotAMessageAnswersInvalidMessageFormat(String text) {
        Client alice = connected("alice", "room");
        Client bob = connected("bob", "room");

        alice.sendRaw(text);

        assertEquals(List.of(INVALID_FORMAT), alice.sync());
        assertEquals(List.of(), bob.frames());
        assertEquals(List.of(), handledMessages(), "the handler is not called");
    }

    // The client's optional message id, and the application's error frames

    @ParameterizedTest
    @ValueSource(strings = {"\"m-7\"", "7"})
    void anErrorFrameEchoesTheIdOfTheMessageItAnswers(String id) {
        handler.direct("fail", m -> {
            throw new HandlerException(422, "Name taken");
        });
        Client alice = connected("alice", "room");

        alice.sendRaw("{\"kind\":\"fail\",\"text\":\"f\",\"id\":" + id + "}");
        alice.sendRaw("{\"kind\":[],\"id\":" + id + "}");
        alice.sendRaw("{\"kind\":\"fail\",\"text\":\"no id\"}");

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Name taken\",\"id\":" + id + "}",
                "{\"type\":\"error\",\"message\":\"Invalid message format\",\"id\":" + id + "}",
                error("Name taken")), alice.sync());
    }

    @Test
    void aFailedPublishEchoesTheIdOfTheMessageWhoseEventItLost() {
        Client alice = connected("alice", "room");
        bus.failPublish = true;

        alice.sendRaw("{\"kind\":\"say\",\"text\":\"lost\",\"id\":\"b-1\"}");

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Failed to broadcast event\",\"id\":\"b-1\"}"), alice.sync());
    }

    /** The application's own shape for errors. */
    public record AppError(String kind, String code, String detail, jakarta.json.JsonValue ref) {
    }

    @Test
    void anErrorFrameMapperShapesEveryErrorAndNullKeepsTheDefault() {
        List<ClientError> seen = new CopyOnWriteArrayList<>();
        dispatcher = new Dispatcher<>(handler, "ScriptedHandler", Msg.class, new JsonCodec(jsonb), registry, bus, executor,
                new DispatchLimits(64, 1024, Long.MAX_VALUE, 0, 1, 0, 0, 0), LifecycleListener.NONE, TopicFrames.Options.DISABLED,
                dev.realtimekit.impl.metrics.RealtimeMetrics.NONE, error -> {
                    seen.add(error);
                    return error.reason().equals("binary") ? null : new AppError("failure", error.reason(), error.message(), error.messageId());
                });
        handler.direct("fail", m -> {
            throw new HandlerException(422, "Name taken");
        });
        Client alice = connected("alice", "room");

        alice.sendRaw("{\"kind\":\"fail\",\"text\":\"f\",\"id\":3}");
        alice.sendRaw("not json");
        dispatcher.binaryMessage(alice.connection);

        assertEquals(List.of("{\"code\":\"application\",\"detail\":\"Name taken\",\"kind\":\"failure\",\"ref\":3}",
                "{\"code\":\"invalid-format\",\"detail\":\"Invalid message format\",\"kind\":\"failure\"}",
                error("Binary messages are not supported")), alice.sync());
        assertEquals(List.of(new ClientError("application", "Name taken", jakarta.json.Json.createValue(3)), new ClientError("invalid-format", "Invalid message format", null),
                new ClientError("binary", "Binary messages are not supported", null)), seen);
    }

    @Test
    void aFailingErrorFrameMapperLeavesTheClientTheDefaultFrame() {
        dispatcher = new Dispatcher<>(handler, "ScriptedHandler", Msg.class, new JsonCodec(jsonb), registry, bus, executor,
                new DispatchLimits(64, 1024, Long.MAX_VALUE, 0, 1, 0, 0, 0), LifecycleListener.NONE, TopicFrames.Options.DISABLED,
                dev.realtimekit.impl.metrics.RealtimeMetrics.NONE, error -> {
                    throw new IllegalStateException("mapper bug");
                });
        Client alice = connected("alice", "room");

        alice.sendRaw("{\"id\":\"x\"}}");

        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Invalid message format\"}"), alice.sync(),
                "not even the id: the frame was no JSON object");
        alice.sendRaw("{\"kind\":[],\"id\":\"x\"}");
        assertEquals("{\"type\":\"error\",\"message\":\"Invalid message format\",\"id\":\"x\"}", alice.sync().get(1));
    }

    @Test
    void aFailedPublishAnswersFailedToBroadcastEvent() {
        Client alice = connected("alice", "room");
        Client bob = connected("bob", "room");
        bus.failPublish = true;

        alice.send("say", "lost");

        assertEquals(List.of(BROADCAST_FAILED), alice.sync());
        assertEquals(List.of(), bob.frames());

        bus.failPublish = false;
        alice.send("say", "back");
        assertEquals(List.of(BROADCAST_FAILED, said("back")), alice.sync());
    }

    @Test
    void aBinaryFrameAnswersAnErrorFrame() {
        Client alice = connected("alice", "room");

        dispatcher.binaryMessage(alice.connection);

        assertEquals(List.of(error("Binary messages are not supported")), alice.sync());
    }

    @Test
    void aBinaryFramesErrorComesAfterTheAnswersToTheMessagesBeforeIt() {
        Client alice = connected("alice", "room");
        executor.hold();

        alice.send("say", "first");
        dispatcher.binaryMessage(alice.connection);
        executor.release();

        assertEquals(List.of(said("first"), error("Binary messages are not supported")), alice.sync());
    }

    // Ordering and concurrency

    @Test
    void messagesOfOneConnectionAreHandledOneAfterTheOther() {
        CompletableFuture<Optional<Object>> first = new CompletableFuture<>();
        CompletableFuture<Optional<Object>> second = new CompletableFuture<>();
        List<String> timeline = new CopyOnWriteArrayList<>();
        handler.direct("slow", m -> {
            timeline.add("start " + m.text());
            return m.text().equals("1") ? first : second;
        });
        Client alice = connected("alice", "room");

        alice.send("slow", "1");
        handler.awaitCall("direct 1");
        alice.send("slow", "2");
        second.complete(Optional.of(new Pong("2")));
        Await.never("message 2 handled while message 1 is pending", () -> timeline.contains("start 2"));
        timeline.add("complete 1");
        first.complete(Optional.of(new Pong("1")));

        assertEquals(List.of(pong("1"), pong("2")), alice.out.awaitFrames(2));
        assertEquals(List.of("start 1", "complete 1", "start 2"), timeline);
    }

    @Test
    void differentConnectionsAreHandledConcurrently() {
        CompletableFuture<Optional<Object>> stuck = new CompletableFuture<>();
        handler.direct("stuck", m -> stuck);
        Client alice = connected("alice", "room");
        Client bob = connected("bob", "room");

        alice.send("stuck", "a");
        handler.awaitCall("direct a");
        bob.send("ping", "b");

        assertEquals(List.of(pong("b")), bob.out.awaitFrames(1));
        assertFalse(stuck.isDone());
        stuck.complete(Optional.of(new Pong("a")));
        assertEquals(List.of(pong("a")), alice.out.awaitFrames(1));
    }

    @Test
    void handlerCodeRunsOnTheExecutorNeverOnTheCallingOrCompletingThread() {
        CompletableFuture<Optional<Object>> completedByTest = new CompletableFuture<>();
        handler.direct("later", m -> completedByTest);
        Client alice = connected("alice", "room");

        alice.send("later", "x");
        handler.awaitCall("direct x");
        completedByTest.complete(Optional.empty());
        assertEquals(List.of(said("x")), alice.out.awaitFrames(1));
        dispatcher.closed(alice.connection);
        Await.result(alice.connection.finished());

        assertEquals(List.of("connect alice", "direct x", "broadcast x", "disconnect alice"), handler.labels());
        for (ScriptedHandler.Call call : handler.calls()) {
            assertNotSame(testThread, call.thread(), call.label());
            assertTrue(call.thread().getName().startsWith(POOL_PREFIX), call.label() + " ran on " + call.thread().getName());
        }
    }

    // Lifecycle

    @Test
    void onConnectCompletesBeforeAMessageSentRightAfterOpenIsHandled() {
        CompletableFuture<Void> connecting = new CompletableFuture<>();
        handler.onConnect = ctx -> connecting;

        executor.hold();
        Client alice = new Client("alice", "room");
        alice.send("ping", "first");
        executor.release();

        handler.awaitCall("connect alice");
        Await.never("message handled before onConnect completed", () -> handler.labels().contains("direct first"));
        connecting.complete(null);

        assertEquals(List.of(pong("first")), alice.out.awaitFrames(1));
        assertEquals(List.of("connect alice", "direct first"), handler.labels());
    }

    @Test
    void onDisconnectRunsOnceAfterTheMessageInFlightAndTheConnectionLeavesTheRegistry() {
        CompletableFuture<Optional<Object>> inFlight = new CompletableFuture<>();
        AtomicBoolean inFlightDoneAtDisconnect = new AtomicBoolean();
        handler.direct("slow", m -> inFlight);
        handler.onDisconnect = ctx -> {
            inFlightDoneAtDisconnect.set(inFlight.isDone());
            return done(null);
        };
        Client alice = connected("alice", "room");
        Client bob = connected("bob", "room");
        alice.send("slow", "1");
        handler.awaitCall("direct 1");

        dispatcher.closed(alice.connection);
        dispatcher.closed(alice.connection);

        assertEquals(1, registry.subscriberCount("room"), "alice left the registry at once");
        assertFalse(alice.connection.isOpen());
        bob.send("say", "after close");
        assertEquals(List.of(said("after close")), bob.sync());
        Await.never("onDisconnect before the message in flight completed",
                () -> handler.labels().contains("disconnect alice"));

        inFlight.complete(Optional.of(new Pong("1")));
        Await.result(alice.connection.finished());
        barrier(alice);

        assertEquals(1, handler.count("disconnect alice"));
        assertTrue(inFlightDoneAtDisconnect.get(), "onDisconnect ran after the message's stage completed");
        assertEquals(List.of(pong("1")), alice.frames(), "alice got no event after she left");
        assertTrue(alice.out.closedCalls() >= 1, "the outbound learned that the client is gone");
        assertEquals(1, dispatcher.openConnections());
    }

    @Test
    void aConnectionClosedBeforeItsConnectTaskRanGetsNeitherOnConnectNorOnDisconnect() {
        executor.hold();
        Client alice = new Client("alice", "room");
        dispatcher.closed(alice.connection);
        executor.release();

        Await.result(alice.connection.finished());
        barrier(alice);

        assertEquals(List.of(), handler.labels());
        assertEquals(0, registry.subscriberCount());
        assertEquals(0, bus.subscribes.get(), "the topic was never subscribed");
        assertEquals(0, dispatcher.openConnections());
    }

    @Test
    void messagesBeyondMaxPendingAnswerTooManyPendingMessages() {
        dispatcher = dispatcher(2);
        CompletableFuture<Optional<Object>> first = new CompletableFuture<>();
        handler.direct("slow", m -> first);
        Client alice = connected("alice", "room");
        alice.send("slow", "1");
        handler.awaitCall("direct 1");

        alice.send("ping", "2");
        alice.send("ping", "3");
        alice.send("ping", "4");

        assertEquals(List.of(TOO_MANY_PENDING, TOO_MANY_PENDING), alice.frames());
        first.complete(Optional.of(new Pong("1")));
        Await.until("queue drained", () -> alice.connection.inbound().pending() == 0);
        assertEquals(List.of(TOO_MANY_PENDING, TOO_MANY_PENDING, pong("1"), pong("2")), alice.sync());
        assertEquals(List.of("direct 1", "direct 2"), handledMessages());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFailedOnConnectSendsTheErrorFrameThenClosesWith1011(boolean handlerException) {
        RuntimeException failure = handlerException ? new HandlerException(503, "Maintenance")
                : new IllegalStateException("database down");
        handler.onConnect = ctx -> CompletableFuture.failedFuture(failure);

        Client alice = new Client("alice", "room");

        String frame = handlerException ? error("Maintenance") : INTERNAL_ERROR;
        assertEquals(List.of("frame " + frame, "close 1011"), alice.out.awaitLog(2));
    }

    @Test
    void aFailedSubscriptionSendsTheErrorFrameThenClosesWith1011WithoutOnConnect() {
        bus.failSubscribe = true;

        Client alice = new Client("alice", "room");

        assertEquals(List.of("frame " + INTERNAL_ERROR, "close 1011"), alice.out.awaitLog(2));
        barrier(alice);
        assertEquals(List.of(), handler.labels());
        assertEquals(0, registry.subscriberCount());
    }

    @Test
    void closeAllClosesEveryConnectionAndCompletesAfterTheirOnDisconnect() {
        Client alice = connected("alice", "room");
        Client bob = connected("bob", "other");

        Await.result(dispatcher.closeAll(1001, "Server shutting down"));

        assertEquals(List.of("close 1001"), alice.out.log());
        assertEquals(List.of("close 1001"), bob.out.log());
        assertEquals(1, handler.count("disconnect alice"));
        assertEquals(1, handler.count("disconnect bob"));
        assertEquals(0, dispatcher.openConnections());
        assertEquals(0, registry.subscriberCount());
    }

    // Helpers

    private Dispatcher<Msg, Object, String> dispatcher(int maxPendingMessages) {
        JsonCodec codec = new JsonCodec(countingEventEncodings(jsonb));
        return new Dispatcher<>(handler, "ScriptedHandler", Msg.class, codec, registry, bus, executor,
                new DispatchLimits(maxPendingMessages, 1024, Long.MAX_VALUE, 0, 1, 0, 0, 0));
    }

    /** A Jsonb that counts how often an event ({@link Said}) is serialized. */
    private Jsonb countingEventEncodings(Jsonb real) {
        return (Jsonb) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Jsonb.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("toJson") && args[0] instanceof Said) {
                        eventEncodings.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void closeAllLetsQueuedFramesAndTheCloseFrameGoOut() {
        Client alice = connected("alice", "room");

        Await.result(dispatcher.closeAll(1001, "Server shutting down"));

        // Marking the outbound as gone would drop frames still queued behind a write in flight,
        // and the close frame with them; the container reports the close when it has happened.
        assertEquals(0, alice.out.closedCalls());
        assertEquals(List.of("close 1001"), alice.out.log());
    }

    @Test
    void messagesArrivingAfterCloseAllAreNotHandled() {
        Client alice = connected("alice", "room");
        Await.result(dispatcher.closeAll(1001, "Server shutting down"));

        alice.send("say", "too late");

        Await.never("a handler call after onDisconnect",
                () -> handler.labels().stream().anyMatch(label -> label.contains("too late")));
        assertEquals(1, handler.count("disconnect alice"));
    }

    @Test
    void aConnectionSubscribedBeforeTheUpgradeGetsEventsPublishedBeforeItsSessionOpened() throws Exception {
        Client alice = connected("alice", "room");
        Connection<String> bob = dispatcher.prepare("bob", "room");
        Await.result(dispatcher.subscribe(bob));
        assertEquals(2, registry.subscriberCount("room"), "subscribed before the upgrade");

        alice.send("say", "while bob's socket opens");
        alice.sync();
        FakeOutbound bobsSession = new FakeOutbound();
        dispatcher.opened(bob, bobsSession);

        Await.until("bob connected", () -> bob.connected());
        assertEquals(List.of(said("while bob's socket opens")), bobsSession.frames());
        assertEquals(1, bus.subscribes.get(), "subscribed once, before the upgrade, not again on open");
    }

    @Test
    void aFailedSubscriptionBeforeTheUpgradeLeavesNothingBehind() throws Exception {
        bus.failSubscribe = true;
        Connection<String> bob = dispatcher.prepare("bob", "room");

        Await.failure(dispatcher.subscribe(bob));

        assertEquals(0, registry.subscriberCount());
        assertEquals(0, dispatcher.openConnections());
        assertEquals(List.of(), handler.labels(), "no handler method for a connection that never opened");
    }

    @Test
    void anAbandonedConnectionLeavesTheRegistry() throws Exception {
        Connection<String> bob = dispatcher.prepare("bob", "room");
        Await.result(dispatcher.subscribe(bob));

        dispatcher.abandon(bob);

        assertEquals(0, registry.subscriberCount());
        assertEquals(0, dispatcher.openConnections());
        assertTrue(bob.finished().isDone());
    }

    private Client connected(String user, String topic) {
        Client client = new Client(user, topic);
        Await.until(user + " connected", () -> client.connection.connected() && client.connection.inbound().pending() == 0);
        return client;
    }

    /** Waits until every task queued so far on the connection's queue has finished. */
    private static void barrier(Client client) {
        CompletableFuture<Void> reached = new CompletableFuture<>();
        client.connection.inbound().submit(() -> {
            reached.complete(null);
            return null;
        });
        Await.result(reached);
    }

    /** @return the handler's message calls, without those of {@link Client#sync()} */
    private List<String> handledMessages() {
        return handler.labels().stream()
                .filter(label -> label.startsWith("direct ") || label.startsWith("broadcast "))
                .filter(label -> !label.contains(" sync-"))
                .toList();
    }

    /** One client: its connection and the outbound the dispatcher writes to. */
    private final class Client {
        final FakeOutbound out = new FakeOutbound();
        final Connection<String> connection;

        Client(String user, String topic) {
            try {
                connection = dispatcher.open(user, topic, out);
            } catch (ConnectionLimitException e) {
                throw new AssertionError(e);
            }
        }

        void send(String kind, String text) {
            dispatcher.message(connection, msg(kind, text));
        }

        void sendRaw(String text) {
            dispatcher.message(connection, text);
        }

        /** The frames received, without the pongs of {@link #sync()}. */
        List<String> frames() {
            return out.frames().stream().filter(frame -> !frame.startsWith(SYNC_PONG)).toList();
        }

        /**
         * Pings and waits for the pong: every message sent before has then been handled completely,
         * its broadcast included.
         *
         * @return {@link #frames()}
         */
        List<String> sync() {
            String tag = "sync-" + syncs.incrementAndGet();
            send("ping", tag);
            Await.until("pong " + tag + " (have " + out.frames() + ")", () -> out.frames().contains(pong(tag)));
            return frames();
        }
    }

    /** The in-JVM bus, counting calls, whose subscribe and publish can be told to fail. */
    private static final class TestBus implements EventBus {
        private final LocalEventBus local = new LocalEventBus();
        final AtomicInteger publishes = new AtomicInteger();
        final AtomicInteger subscribes = new AtomicInteger();
        volatile boolean failPublish;
        volatile boolean failSubscribe;

        @Override
        public void start(Listener listener) {
            local.start(listener);
        }

        @Override
        public CompletionStage<Void> subscribe(String topic) {
            subscribes.incrementAndGet();
            return failSubscribe ? CompletableFuture.failedFuture(new IllegalStateException("bus down")) : local.subscribe(topic);
        }

        @Override
        public CompletionStage<Void> unsubscribe(String topic) {
            return local.unsubscribe(topic);
        }

        @Override
        public CompletionStage<Void> publish(String topic, String payload) {
            publishes.incrementAndGet();
            return failPublish ? CompletableFuture.failedFuture(new IllegalStateException("bus down"))
                    : local.publish(topic, payload);
        }

        @Override
        public String describe() {
            return "test bus";
        }

        @Override
        public Status status() {
            return new Status("test", true, 0, 0, false);
        }

        @Override
        public void close() {
            local.close();
        }
    }

    /** Passes tasks to the pool, except while held: then they wait until {@link #release()}. */
    private static final class HoldableExecutor implements Executor {
        private final Executor pool;
        private List<Runnable> held;

        HoldableExecutor(Executor pool) {
            this.pool = pool;
        }

        synchronized void hold() {
            held = new ArrayList<>();
        }

        void release() {
            List<Runnable> tasks;
            synchronized (this) {
                tasks = held;
                held = null;
            }
            tasks.forEach(pool::execute);
        }

        @Override
        public void execute(Runnable task) {
            synchronized (this) {
                if (held != null) {
                    held.add(task);
                    return;
                }
            }
            pool.execute(task);
        }
    }
}
