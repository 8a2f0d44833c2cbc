package dev.realtimekit.impl.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.testsupport.Await;
import dev.realtimekit.testsupport.ManualBus;

class BusBroadcasterTest {

    private final ManualBus bus = new ManualBus();
    private final ExecutorService application = Executors.newSingleThreadExecutor(task -> new Thread(task, "application"));
    private final ExecutorService redisson = Executors.newSingleThreadExecutor(task -> new Thread(task, "redisson-netty"));
    private final BusBroadcaster broadcaster = new BusBroadcaster(bus, new JsonCodec(JsonbBuilder.create()), 100, application);

    @AfterEach
    void stop() {
        application.shutdownNow();
        redisson.shutdownNow();
    }

    @Test
    void aStageTheBusCompletesLaterCompletesOnTheApplicationsThreadsNotTheBuss() {
        CompletionStage<String> where = broadcaster.publish("room", "hello").thenApply(done -> Thread.currentThread().getName());
        redisson.execute(() -> bus.publishes.get(0).complete(null));
        assertEquals("application", Await.result(where));
    }

    @Test
    void aFailureToo() {
        CompletionStage<String> where = broadcaster.publish("room", "hello")
                .handle((done, failure) -> failure + " on " + Thread.currentThread().getName());
        redisson.execute(() -> bus.publishes.get(0).completeExceptionally(new IllegalStateException("redis down")));
        String outcome = Await.result(where);
        assertTrue(outcome.contains("redis down") && outcome.endsWith(" on application"), outcome);
    }

    @Test
    void aPublishRefusedAtOnceFailsAtOnceWithoutTheBus() {
        CompletableFuture<Void> published = broadcaster.publish("", "not a topic").toCompletableFuture();
        assertTrue(published.isCompletedExceptionally(), "an invalid topic fails at once");
        assertEquals(0, bus.publishes.size());
    }
}
