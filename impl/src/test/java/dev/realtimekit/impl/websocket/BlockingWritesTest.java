package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.testsupport.Await;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BlockingWritesTest {

    /** Waits like Liberty's SimpleSync.simpleWait: until notified, or until interrupted, which it swallows. */
    private static void waitLikeLiberty(CountDownLatch never) {
        try {
            never.await();
        } catch (InterruptedException swallowed) {
            // as the container does: the write just returns
        }
    }

    @Test
    void aWriteThatNeverReturnsIsFreedByARescueAndFailsWithTheInterruptFlagCleared() throws Exception {
        BlockingWrites writes = new BlockingWrites();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<String> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                writes.run(() -> {
                    started.countDown();
                    waitLikeLiberty(never);
                });
                return "returned normally";
            } catch (IOException e) {
                return "failed, interrupted=" + Thread.currentThread().isInterrupted();
            }
        });
        started.await();

        assertFalse(writes.rescue(TimeUnit.HOURS.toNanos(1), System.nanoTime()), "not older than an hour");
        assertTrue(writes.rescue(0, System.nanoTime()));

        assertEquals("failed, interrupted=false", outcome.get(5, TimeUnit.SECONDS));
        assertFalse(writes.rescue(0, System.nanoTime()), "nothing in progress any more");
    }

    @Test
    void aWriteThatFailsByItselfKeepsItsFailure() {
        BlockingWrites writes = new BlockingWrites();

        IOException failure = assertThrows(IOException.class, () -> writes.run(() -> {
            throw new IOException("broken pipe");
        }));

        assertEquals("broken pipe", failure.getMessage());
    }

    @Test
    void aBlockingWriteStuckWhenTheClientGoesIsFreedAndTheSessionClosed() throws Exception {
        FakeSession fake = new FakeSession();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(1);
        fake.onBlockingWrite(() -> {
            inside.countDown();
            waitLikeLiberty(never);
        });
        SessionOutbound out = new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 1000, 1_000);
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> out.offer("stuck"));
        inside.await();

        out.closed(); // the container reports the client gone

        written.get(5, TimeUnit.SECONDS);
        Await.until("the session closed", () -> !fake.closes().isEmpty());
        assertEquals(List.of(1011), fake.closes().stream().map(CloseReason::getCloseCode).map(CloseReason.CloseCode::getCode).toList());
    }

    @Test
    void theHeartbeatFreesABlockingWriteOlderThanTheSendTimeout() throws Exception {
        FakeSession fake = new FakeSession();
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(1);
        fake.onBlockingWrite(() -> {
            inside.countDown();
            waitLikeLiberty(never);
        });
        SessionOutbound out = new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 50, 1_000);
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> out.offer("stuck"));
        inside.await();

        out.heartbeat(System.nanoTime(), false, () -> {
        });
        assertFalse(written.isDone(), "younger than the 50 ms send timeout: left alone");
        out.heartbeat(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60), false, () -> {
        });

        written.get(5, TimeUnit.SECONDS);
        Await.until("the session closed", () -> !fake.closes().isEmpty());
    }
}
