package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BlockingWritesTest {

    @Test
    void aWriteInProgressForLongerThanTheLimitIsStuckAndAFinishedOneIsNot() throws Exception {
        BlockingWrites writes = new BlockingWrites();
        BlockedWrite write = BlockedWrite.start(writes);
        long now = System.nanoTime();

        assertFalse(writes.stuck(TimeUnit.SECONDS.toNanos(10), now));
        assertTrue(writes.stuck(TimeUnit.SECONDS.toNanos(10), now + TimeUnit.SECONDS.toNanos(11)));

        write.release();
        write.done().get(5, TimeUnit.SECONDS);
        assertFalse(writes.stuck(0, System.nanoTime() + TimeUnit.HOURS.toNanos(1)));
    }

    @Test
    void theHeartbeatGivesUpAConnectionWhoseBlockingWriteNeverReturns() throws Exception {
        FakeSession fake = new FakeSession();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(1);
        fake.onBlockingWrite(() -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        SessionOutbound out = new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 50, 1_000);
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> out.offer("stuck"));
        inside.await();
        AtomicInteger gone = new AtomicInteger();

        assertTrue(out.heartbeat(System.nanoTime(), false, gone::incrementAndGet), "younger than the 50 ms send timeout");
        assertFalse(out.heartbeat(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(60), false, gone::incrementAndGet));

        assertEquals(1, gone.get());
        assertFalse(out.isOpen());
        release.countDown();
        written.get(5, TimeUnit.SECONDS);
    }

    /** The gate has no lock: a writer and the container's close racing must still never overlap. */
    @Test
    void noWriteRunsOnceTheShutHasReturnedHoweverTheyRace() throws Exception {
        for (int round = 0; round < 2_000; round++) {
            BlockingWrites writes = new BlockingWrites();
            AtomicBoolean shutReturned = new AtomicBoolean();
            AtomicInteger afterShut = new AtomicInteger();
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Integer> writer = CompletableFuture.supplyAsync(() -> {
                int written = 0;
                try {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        if (writes.run(() -> {
                            if (shutReturned.get()) {
                                afterShut.incrementAndGet();
                            }
                        })) {
                            written++;
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return written;
            });
            start.await();
            assertTrue(writes.shut(TimeUnit.SECONDS.toNanos(5)));
            shutReturned.set(true);
            writer.get(5, TimeUnit.SECONDS);

            assertEquals(0, afterShut.get(), "a write ran after the shut returned, round " + round);
            assertFalse(writes.run(() -> afterShut.incrementAndGet()));
        }
    }

    @Test
    void theShutWaitsForTheWriteInProgressAndGivesUpAfterItsTimeout() throws Exception {
        BlockingWrites writes = new BlockingWrites();
        BlockedWrite write = BlockedWrite.start(writes);

        assertFalse(writes.shut(TimeUnit.MILLISECONDS.toNanos(50)), "the write is still in progress");

        CompletableFuture<Boolean> shut = CompletableFuture.supplyAsync(() -> writes.shut(TimeUnit.SECONDS.toNanos(5)));
        assertFalse(shut.isDone());
        write.release();
        assertTrue(shut.get(5, TimeUnit.SECONDS), "the shut returns once the write ended");
        assertTrue(write.done().get(5, TimeUnit.SECONDS));
    }

    /** A write on another thread, inside the gate until released. */
    private record BlockedWrite(CountDownLatch released, CompletableFuture<Boolean> done) {

        /** Starts the write and returns once it is inside. */
        static BlockedWrite start(BlockingWrites writes) throws InterruptedException {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch released = new CountDownLatch(1);
            CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(() -> {
                try {
                    return writes.run(() -> {
                        inside.countDown();
                        try {
                            released.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            inside.await();
            return new BlockedWrite(released, done);
        }

        void release() {
            released.countDown();
        }
    }
}
