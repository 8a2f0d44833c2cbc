package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.dispatch.DispatchLimits;
import dev.realtimekit.impl.dispatch.Dispatcher;
import dev.realtimekit.impl.registry.TopicRegistry;
import dev.realtimekit.testsupport.Await;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RealtimeEndpointTest {

    /** The test's message and event type. */
    public record Text(String text) {
    }

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RealtimeConfig config = new RealtimeConfig();
    private final LocalEventBus bus = new LocalEventBus();
    private final TopicRegistry registry = new TopicRegistry(bus);
    private final Dispatcher<Text, Text, Object> dispatcher = new Dispatcher<>(new Recording(), "Recording", Text.class,
            new JsonCodec(JsonbBuilder.create()), registry, bus, executor, DispatchLimits.of(config));
    private final Heartbeat heartbeat = new Heartbeat(scheduler, executor, dispatcher, 0);

    @AfterEach
    void tearDown() {
        heartbeat.close();
        scheduler.shutdownNow();
        executor.shutdownNow();
    }

    @Test
    void aMessageThatArrivesAsSoonAsTheHandlerIsAddedIsHandledAfterOnConnect() throws Exception {
        bus.start(registry);
        Connection<Object> connection = dispatcher.prepare("alice", "room");
        Await.result(dispatcher.subscribe(connection));
        FakeSession fake = new FakeSession();
        fake.onHandlerAdded(type -> {
            if (type == String.class) {
                fake.receive("{\"text\":\"first\"}");
            }
        });

        new RealtimeEndpoint(dispatcher, config, connection, heartbeat).onOpen(fake.session, null);

        Await.until("the message handled (calls " + calls + ")", () -> calls.size() == 2);
        assertEquals(List.of("connect", "message first"), calls);
    }

    @Test
    void aSessionThatOpensForAnAbandonedConnectionIsClosedWith1013AndGetsNoHandlers() throws Exception {
        bus.start(registry);
        Connection<Object> connection = dispatcher.prepare("alice", "room");
        dispatcher.abandon(connection);
        FakeSession fake = new FakeSession();
        fake.onHandlerAdded(type -> {
            throw new AssertionError("a handler was added for an abandoned connection");
        });

        new RealtimeEndpoint(dispatcher, config, connection, heartbeat).onOpen(fake.session, null);

        assertEquals(List.of(1013), fake.closes().stream().map(close -> close.getCloseCode().getCode()).toList());
        assertEquals(List.of(), calls, "no handler method for it");
    }

    private final class Recording implements MessageHandler<Text, Text, Object> {
        @Override
        public CompletionStage<Void> onConnect(ConnectionContext<Object> ctx) {
            calls.add("connect");
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Optional<Text>> handleBroadcastMessage(Text message, ConnectionContext<Object> ctx) {
            calls.add("message " + message.text());
            return CompletableFuture.completedFuture(Optional.empty());
        }
    }

    /** During a server stop the managed executor refuses work while the drain still holds connections: no warning, no lost heartbeat. */
    @Test
    void aHeartbeatRoundTheExecutorRefusesIsNoFailure() {
        Heartbeat refused = new Heartbeat(scheduler, task -> {
            throw new java.util.concurrent.RejectedExecutionException("stopping");
        }, dispatcher, 0);
        dev.realtimekit.testsupport.CapturingHandler capture = new dev.realtimekit.testsupport.CapturingHandler();
        dev.realtimekit.impl.i18n.Messages.LOG.addHandler(capture);
        try {
            FakeSession fake = new FakeSession();
            refused.add(new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 1000, 0), () -> { });
            refused.beat();
            refused.beat();
            assertEquals(List.of(), capture.records().stream()
                    .filter(record -> record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                    .map(java.util.logging.LogRecord::getMessage).toList());
            assertTrue(refused.isRunning(), "the periodic task still runs");
        } finally {
            dev.realtimekit.impl.i18n.Messages.LOG.removeHandler(capture);
            refused.close();
        }
    }
}
