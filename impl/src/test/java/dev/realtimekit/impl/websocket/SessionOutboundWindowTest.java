package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.testsupport.Await;

/**
 * The blocking-write path of {@link SessionOutbound}: only within the client's {@link SendWindow}.
 * Most tests send frames the window refuses asynchronously at once (no wait for a pong); the last
 * ones show the wait.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionOutboundWindowTest {

    /** A 10-character frame: 12 bytes on the wire. */
    private static final long FRAME = SendWindow.frameBytes(10);

    private final FakeSession fake = new FakeSession();

    @Test
    void writesWithBlockingWritesWhileTheClientIsWithinTheWindow() {
        SessionOutbound out = withoutPongWait(16, 1_000);

        assertTrue(out.offer("a"));
        CompletableFuture<Void> sent = out.send("b").toCompletableFuture();
        assertTrue(out.offer("c"));

        assertEquals(List.of("a", "b", "c"), fake.blockingTexts());
        assertEquals(0, fake.pendingWrites(), "no asynchronous write");
        assertTrue(sent.isDone() && !sent.isCompletedExceptionally());
    }

    @Test
    void aClientThatNeverAnswersGetsNoMoreThanTheWindowThroughBlockingWrites() {
        long windowBytes = 100;
        SessionOutbound out = withoutPongWait(64, windowBytes);

        List<String> frames = frames(30);
        frames.forEach(out::offer);
        drainWrites();

        long blockingBytes = fake.blockingTexts().stream().mapToLong(text -> SendWindow.frameBytes(text.length())).sum()
                + fake.pings().size() * SendWindow.frameBytes(SendWindow.PING_PAYLOAD);
        assertTrue(blockingBytes <= windowBytes, "blocking writes carried " + blockingBytes + " bytes, window " + windowBytes);
        assertTrue(fake.blockingTexts().size() >= (windowBytes / 2) / FRAME, "blocking writes up to the window: " + fake.blockingTexts());
        assertEquals(1, fake.pings().size(), "one ping, sent when half the window was used");
        assertEquals(frames, fake.texts(), "every frame, in order, whichever way it was written");
    }

    @Test
    void aPongThatEchoesThePingReopensTheWindow() {
        SessionOutbound out = withoutPongWait(64, 100);
        frames(10).forEach(out::offer);
        int blockingBefore = fake.blockingTexts().size();
        assertEquals(1, fake.pendingWrites(), "past the window the frames go asynchronously");

        out.pong(fake.pings().get(0).duplicate());
        fake.completeWrite();

        assertTrue(fake.blockingTexts().size() > blockingBefore, "blocking writes again after the pong: " + fake.blockingTexts());
        assertEquals(frames(10), fake.texts());
    }

    @Test
    void aClientFarPastTheWindowGetsBlockingWritesAgainOnceItAnswersTheKeepAlivePing() {
        // A burst (e.g. join notices) goes asynchronously far past the window while the window's ping is out.
        SessionOutbound out = withoutPongWait(256, 100);
        frames(60).forEach(out::offer);
        drainWrites();
        out.pong(fake.pings().get(0).duplicate()); // confirms only what was written before that ping
        out.offer("after-burst");
        drainWrites();
        assertEquals(List.of(), tail(fake.blockingTexts(), "after-burst"), "still too far behind for blocking writes");

        out.heartbeat(System.nanoTime(), true, () -> { });
        ByteBuffer keepAlive = fake.pings().get(fake.pings().size() - 1).duplicate();
        out.pong(keepAlive);
        out.offer("caught-up");

        assertEquals(List.of("caught-up"), tail(fake.blockingTexts(), "caught-up"),
                "the keep-alive ping's pong confirmed everything written before it");
    }

    @Test
    void aClientThatFellUpToTwiceTheWindowBehindIsPingedSoThatItsPongReopensTheWindow() {
        SessionOutbound out = withoutPongWait(256, 100);
        frames(14).forEach(out::offer); // 168 bytes: past the window, asynchronously after the first 100
        drainWrites();
        assertEquals(1, fake.pings().size(), "the ping sent at half the window");
        out.pong(fake.pings().get(0).duplicate()); // confirms the first 60 bytes: still more than the window behind

        out.offer("frame-next"); // refused by the window, so a ping covering everything goes out before it
        assertEquals(2, fake.pings().size());
        drainWrites();
        out.pong(fake.pings().get(1).duplicate());
        out.offer("frame-last");

        assertEquals(List.of("frame-last"), tail(fake.blockingTexts(), "frame-last"), "the second pong reopened the window");
    }

    private static List<String> tail(List<String> texts, String from) {
        int at = texts.indexOf(from);
        return at < 0 ? List.of() : texts.subList(at, texts.size());
    }

    @Test
    void aWriterYieldsToAnAsynchronousWriteAfterABatchOfBlockingWrites() {
        SessionOutbound out = withoutPongWait(256, 1_000_000);
        List<String> frames = frames(SessionOutbound.BLOCKING_WRITES_PER_TURN + 20);
        AtomicBoolean queuedTheRest = new AtomicBoolean();
        // While the first frame is being written, the others arrive: they queue behind it for the same writer.
        fake.onBlockingWrite(() -> {
            if (queuedTheRest.compareAndSet(false, true)) {
                frames.subList(1, frames.size()).forEach(out::offer);
            }
        });

        out.offer(frames.get(0));

        assertEquals(SessionOutbound.BLOCKING_WRITES_PER_TURN, fake.blockingTexts().size());
        assertEquals(1, fake.pendingWrites(), "the writer handed the next frame to an asynchronous write");
        fake.completeWrite();
        assertEquals(frames, fake.texts(), "the completion went on with the rest, in order");
    }

    @Test
    void aFailedBlockingWriteFailsItsFrameAndClosesTheSession() {
        SessionOutbound out = withoutPongWait(16, 1_000);
        IOException broken = new IOException("broken pipe");
        fake.failBlockingWritesWith(broken);

        Throwable failure = Await.failure(out.send("a"));

        assertEquals(broken, failure);
        assertEquals(1, fake.closes().size());
        assertEquals(1011, fake.closes().get(0).getCloseCode().getCode());
        assertFalse(out.offer("b"));
    }

    @Test
    void aFailedWriteClosesTheSessionOffTheWritingThread() throws Exception {
        CountDownLatch closeMayReturn = new CountDownLatch(1);
        fake.onClose(() -> {
            try {
                closeMayReturn.await(); // as Liberty's close, which waits seconds for its read side
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        fake.failBlockingWritesWith(new IOException("broken pipe"));
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try {
            SessionOutbound out = new SessionOutbound(fake.session, 16, Long.MAX_VALUE, 1000, 1_000, RealtimeMetrics.NONE, 0, closer);

            // The writer may be a thread handing a topic's event to every subscriber: it must not wait for the close.
            CompletableFuture<Boolean> offered = CompletableFuture.supplyAsync(() -> out.offer("a"));
            assertTrue(offered.get(5, TimeUnit.SECONDS), "the offer returned while the close was still in progress");
            assertEquals(List.of(), fake.closes());

            closeMayReturn.countDown();
            Await.until("the session closed with 1011", () -> fake.closes().size() == 1);
            assertEquals(1011, fake.closes().get(0).getCloseCode().getCode());
            assertFalse(out.offer("b"));
        } finally {
            closeMayReturn.countDown();
            closer.shutdownNow();
        }
    }

    /** Blocking writes: whichever producer finds the outbound idle becomes its writer, one at a time. */
    @Test
    void concurrentProducersWithBlockingWritesKeepEachOnesOrderOneWriteAtATime() throws Exception {
        int producers = 4;
        int framesEach = 2_000;
        AtomicInteger writing = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        fake.onBlockingWrite(() -> {
            mostAtOnce.accumulateAndGet(writing.incrementAndGet(), Math::max);
            Thread.yield(); // a second writer now would overlap
            writing.decrementAndGet();
        });
        ConcurrentProducers.offerAll(fake, () -> withoutPongWait(producers * framesEach, 1L << 40), producers,
                framesEach, 4, 20);

        assertEquals(1, mostAtOnce.get(), "two blocking writes at once");
        assertTrue(fake.maxInFlight() <= 1, "two asynchronous writes at once");
        assertTrue(fake.blockingTexts().size() > producers * framesEach / 2, "mostly blocking writes");
        ConcurrentProducers.assertEachInOrder(fake, producers, framesEach);
    }

    @Test
    void theReadThreadReadsOnOnlyOnceTheCloseItAskedForReturned() throws Exception {
        CountDownLatch closeStarted = new CountDownLatch(1);
        CountDownLatch closeMayReturn = new CountDownLatch(1);
        fake.onClose(() -> {
            closeStarted.countDown();
            try {
                closeMayReturn.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try {
            SessionOutbound out = new SessionOutbound(fake.session, 16, Long.MAX_VALUE, 10_000, 1_000, RealtimeMetrics.NONE, 0, closer);
            out.holdReadingWhileClosing(); // nothing to wait for

            CompletableFuture<Void> readThread = CompletableFuture.runAsync(() -> {
                out.close(1009, "Message too big");
                out.holdReadingWhileClosing();
            });
            assertTrue(closeStarted.await(5, TimeUnit.SECONDS), "the close started");
            assertThrows(TimeoutException.class, () -> readThread.get(200, TimeUnit.MILLISECONDS),
                    "the read thread went on while the close frame was not written");

            closeMayReturn.countDown();
            readThread.get(5, TimeUnit.SECONDS);
            assertEquals(1009, fake.closes().get(0).getCloseCode().getCode());
        } finally {
            closeMayReturn.countDown();
            closer.shutdownNow();
        }
    }

    @Test
    void aStalledClientIsClosedAsTooSlowOnceItsQueueOverflows() {
        SessionOutbound out = withoutPongWait(8, 100);

        // Never pongs, never finishes the asynchronous write: the window fills, then the queue.
        boolean accepted = true;
        int offered = 0;
        while (accepted && offered < 1_000) {
            accepted = out.offer("frame-" + offered++);
        }

        assertFalse(accepted, "the queue is bounded");
        fake.completeWrite();
        drainWrites();
        assertEquals(1, fake.closes().size());
        assertEquals(SessionOutbound.SLOW_CONSUMER, fake.closes().get(0).getCloseCode().getCode());
    }

    private SessionOutbound withoutPongWait(int capacity, long windowBytes) {
        return new SessionOutbound(fake.session, capacity, Long.MAX_VALUE, 1000, windowBytes, RealtimeMetrics.NONE, 0, Runnable::run);
    }

    private SessionOutbound waitingForPongs(int capacity, long windowBytes, long waitNanos) {
        return new SessionOutbound(fake.session, capacity, Long.MAX_VALUE, 1000, windowBytes, RealtimeMetrics.NONE, waitNanos, Runnable::run);
    }

    @Test
    void framesTheWindowRefusesWaitForThePongAndThenGoOutWithBlockingWrites() {
        SessionOutbound out = waitingForPongs(64, 100, TimeUnit.SECONDS.toNanos(10));
        frames(10).forEach(out::offer); // 120 bytes: past the window
        assertEquals(0, fake.pendingWrites(), "no asynchronous write: they wait for the pong");
        assertEquals(1, fake.pings().size());
        List<String> before = List.copyOf(fake.blockingTexts());
        assertTrue(before.size() < 10, before.toString());

        out.pong(fake.pings().get(0).duplicate());

        assertEquals(0, fake.pendingWrites(), "still no asynchronous write");
        assertEquals(frames(10), fake.blockingTexts(), "the rest went out with blocking writes once the pong came, in order");
    }

    @Test
    void framesGoAsynchronouslyOnceThePongIsLate() {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(20);
        SessionOutbound out = waitingForPongs(64, 100, waitNanos);
        frames(10).forEach(out::offer);
        assertEquals(0, fake.pendingWrites(), "waiting for the pong");

        // No pong and no further frame: the wait's own timer hands the parked frame to an asynchronous write.
        Await.until("the parked frame is written asynchronously", () -> fake.pendingWrites() == 1);
        out.offer("late");
        drainWrites();
        List<String> expected = new ArrayList<>(frames(10));
        expected.add("late");
        assertEquals(expected, fake.texts(), "every frame, in order");
    }

    @Test
    void theHeartbeatEndsAWaitWhoseTimerWasLost() {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(20);
        SessionOutbound out = new SessionOutbound(fake.session, 64, Long.MAX_VALUE, 1000, 100, RealtimeMetrics.NONE,
                waitNanos, task -> { }); // an executor that loses the wait's end
        frames(10).forEach(out::offer);
        assertEquals(0, fake.pendingWrites(), "waiting for the pong");

        assertTrue(out.heartbeat(System.nanoTime(), false, () -> { }));
        assertEquals(0, fake.pendingWrites(), "a wait that is not over yet is left alone");
        assertTrue(out.heartbeat(System.nanoTime() + 2 * waitNanos, false, () -> { }));

        assertEquals(1, fake.pendingWrites(), "the parked frame went asynchronously");
        // Each later frame the window refuses waits again, and each lost timer costs one heartbeat.
        drainWrites();
        for (int beat = 0; beat < 10 && fake.texts().size() < 10; beat++) {
            assertTrue(out.heartbeat(System.nanoTime() + 2 * waitNanos, false, () -> { }));
            drainWrites();
        }
        assertEquals(frames(10), fake.texts(), "every frame, in order");
    }

    @Test
    void aFrameLargerThanTheWindowDoesNotWaitForAPong() {
        SessionOutbound out = waitingForPongs(64, 100, TimeUnit.SECONDS.toNanos(10));
        out.offer("small");
        out.offer("h".repeat(500)); // never fits, whatever the client confirms

        assertEquals(1, fake.pendingWrites(), "written asynchronously at once");
        drainWrites();
        assertEquals(List.of("small", "h".repeat(500)), fake.texts());
    }

    @Test
    void aClientThatNeverAnswersIsStillClosedAsTooSlowWhileFramesWaitForItsPong() {
        SessionOutbound out = waitingForPongs(8, 100, TimeUnit.SECONDS.toNanos(10));
        boolean accepted = true;
        int offered = 0;
        while (accepted && offered < 1_000) {
            accepted = out.offer("frame-" + offered++);
        }
        assertFalse(accepted, "the queue is bounded");
        drainWrites();
        assertEquals(1, fake.closes().size(), "the close did not wait behind the parked frames");
        assertEquals(SessionOutbound.SLOW_CONSUMER, fake.closes().get(0).getCloseCode().getCode());
    }

    @Test
    void framesWaitingForAPongFailWhenTheConnectionCloses() {
        SessionOutbound out = waitingForPongs(64, 100, TimeUnit.SECONDS.toNanos(10));
        frames(9).forEach(out::offer);
        CompletableFuture<Void> waiting = out.send("waiting").toCompletableFuture();
        assertFalse(waiting.isDone());

        out.closed();

        assertTrue(waiting.isCompletedExceptionally(), "not left waiting for a pong that never comes");
        assertEquals(0, fake.pendingWrites());
    }

    private void drainWrites() {
        while (fake.pendingWrites() > 0) {
            fake.completeWrite();
        }
    }

    /** @return frames of 10 characters each: frame-0000 ... */
    private static List<String> frames(int count) {
        List<String> frames = new ArrayList<>();
        IntStream.range(0, count).forEach(i -> frames.add(String.format("frame-%04d", i)));
        return frames;
    }
}
