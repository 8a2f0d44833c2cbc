package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The container's close waits for a blocking write in progress and no blocking write starts after it:
 * on Liberty 25 a close frame written while our blocking write is on the same TCP context leaves one
 * of the two waiting for ever (ClosingClientsIT reproduces that on a real server).
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ContainerCloseGateTest {

    @Test
    void theContainersCloseWaitsForTheBlockingWriteInProgress() throws Exception {
        FakeSession fake = new FakeSession();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fake.onBlockingWrite(() -> {
            inside.countDown();
            await(release);
        });
        SessionOutbound out = new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 5_000, 1_000);
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> out.offer("first"));
        inside.await();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(out::containerClosing);

        assertFalse(waitsLessThan(closing, 200), "the close returned while the write was still in progress");
        release.countDown();
        closing.get(5, TimeUnit.SECONDS);
        writing.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("first"), fake.blockingTexts());
    }

    /**
     * Liberty's close frame shares the connection's frame writer and pooled buffers with an
     * asynchronous write in flight: ClosingClientsIT's asynchronous variant had clients receive
     * frames spliced from other connections' frames until onClose waited for that write too.
     */
    @Test
    void theContainersCloseWaitsForTheAsynchronousWriteInFlight() throws Exception {
        FakeSession fake = new FakeSession();
        SessionOutbound out = new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 5_000, 0);
        out.offer("in flight");
        out.offer("queued");
        assertEquals(1, fake.pendingWrites());

        CompletableFuture<Void> closing = CompletableFuture.runAsync(out::containerClosing);

        assertFalse(waitsLessThan(closing, 200), "the close returned while the write was in flight");
        fake.completeWrite();
        closing.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("in flight"), fake.texts(), "nothing written after the container began to close");
        assertEquals(0, fake.pendingWrites());
    }

    @Test
    void theContainersCloseGivesUpOnAnAsynchronousWriteAfterTheSendTimeout() throws Exception {
        FakeSession fake = new FakeSession();
        SessionOutbound out = new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 300, 0);
        out.offer("never completes");

        long started = System.nanoTime();
        out.containerClosing();

        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(waitedMs >= 250, "waited " + waitedMs + " ms for the write");
        assertFalse(out.offer("after"));
    }

    @Test
    void noBlockingWriteOrPingStartsOnceTheContainerIsClosing() throws Exception {
        FakeSession fake = new FakeSession();
        SessionOutbound out = new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 5_000, 1_000);
        out.offer("before");

        out.containerClosing();

        assertFalse(out.offer("after"), "a closing connection accepts no frame");
        out.heartbeat(System.nanoTime(), true, () -> { });
        assertEquals(List.of(), fake.pings(), "no keep-alive ping to a closing connection");
        assertEquals(List.of("before"), fake.blockingTexts());
        assertEquals(List.of("before"), fake.texts(), "nothing went the asynchronous way instead");
    }

    @Test
    void aCloseFromInsideTheBlockingWriteDoesNotWaitForItself() throws Exception {
        FakeSession fake = new FakeSession();
        SessionOutbound[] out = new SessionOutbound[1];
        // Liberty may run onClose on the writing thread, from inside a failing write.
        fake.onBlockingWrite(() -> out[0].containerClosing());
        out[0] = new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 5_000, 1_000);

        CompletableFuture.runAsync(() -> out[0].offer("only")).get(5, TimeUnit.SECONDS);

        assertFalse(out[0].isOpen());
    }

    private static boolean waitsLessThan(CompletableFuture<Void> future, long millis) throws Exception {
        try {
            future.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
