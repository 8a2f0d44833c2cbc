package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.testsupport.Await;

/** The blocking-write path of {@link SessionOutbound}: only within the client's {@link SendWindow}. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionOutboundWindowTest {

    /** A 10-character frame: 12 bytes on the wire. */
    private static final long FRAME = SendWindow.frameBytes(10);
    private static final long WINDOW = 100;

    private final FakeSession fake = new FakeSession();
    private final ManualTimer pongTimer = new ManualTimer();

    @Test
    void writesWithBlockingWritesWhileTheClientIsWithinTheWindow() {
        SessionOutbound out = outbound(16, 1_000);

        assertTrue(out.offer("a"));
        CompletableFuture<Void> sent = out.send("b").toCompletableFuture();
        assertTrue(out.offer("c"));

        assertEquals(List.of("a", "b", "c"), fake.blockingTexts());
        assertEquals(0, fake.pendingWrites(), "no asynchronous write");
        assertTrue(sent.isDone() && !sent.isCompletedExceptionally());
    }

    @Test
    void framesThatDoNotFitWaitForThePongWhichResumesTheWriter() {
        SessionOutbound out = outbound(64, WINDOW);
        List<String> frames = frames(12);
        frames.forEach(out::offer);

        long used = fake.blockingTexts().size() * FRAME + SendWindow.PING_FRAME;
        assertTrue(used <= WINDOW && used + FRAME > WINDOW - SendWindow.PING_FRAME,
                "as many as fit, keeping room for a ping: " + fake.blockingTexts());
        assertEquals(frames.subList(0, fake.blockingTexts().size()), fake.blockingTexts());
        assertEquals(1, fake.pings().size(), "pinged when half the window was used");
        assertEquals(0, fake.pendingWrites(), "the rest wait: no asynchronous write");

        // A client that answers every ping: each pong resumes the writer until the window fills again.
        for (int answered = 0; answered < fake.pings().size(); answered++) {
            out.pong(fake.pings().get(answered).duplicate());
        }

        assertTrue(fake.pings().size() > 1, "the window filled again after the first pong");
        assertEquals(frames, fake.texts(), "the pongs resumed the writer, in order");
        assertEquals(frames, fake.blockingTexts(), "all of them blocking writes");
        pongTimer.fire();
        assertTrue(out.offer("after"));
        assertEquals("after", fake.blockingTexts().get(fake.blockingTexts().size() - 1), "a late pong timer changes nothing");
    }

    @Test
    void aClientThatNeverAnswersGetsTheRestAsynchronouslyAfterThePongWait() {
        SessionOutbound out = outbound(64, WINDOW);
        List<String> frames = frames(12);
        frames.forEach(out::offer);
        int blocking = fake.blockingTexts().size();

        pongTimer.fire();
        drainWrites();

        assertEquals(frames, fake.texts(), "every frame, in order");
        assertEquals(blocking, fake.blockingTexts().size(), "no blocking write after the wait");
        long blockingBytes = blocking * FRAME + fake.pings().size() * SendWindow.PING_FRAME;
        assertTrue(blockingBytes <= WINDOW, "blocking writes carried " + blockingBytes + " bytes, window " + WINDOW);
        out.pong(fake.pings().get(0).duplicate());
        out.offer("late");
        assertEquals(1, fake.pendingWrites(), "asynchronous from then on, even after a late pong");
    }

    @Test
    void aFrameLargerThanTheWindowIsWrittenAsynchronously() {
        SessionOutbound out = outbound(16, WINDOW);

        out.offer("x".repeat(200));

        assertEquals(0, fake.blockingTexts().size());
        assertEquals(1, fake.pendingWrites());
    }

    @Test
    void aFailedBlockingWriteFailsItsFrameAndClosesTheSession() {
        SessionOutbound out = outbound(16, 1_000);
        IOException broken = new IOException("broken pipe");
        fake.failBlockingWritesWith(broken);

        Throwable failure = Await.failure(out.send("a"));

        assertEquals(broken, failure);
        assertEquals(1, fake.closes().size());
        assertEquals(1011, fake.closes().get(0).getCloseCode().getCode());
        assertFalse(out.offer("b"));
    }

    @Test
    void aStalledClientIsClosedAsTooSlowOnceItsQueueOverflows() {
        SessionOutbound out = outbound(8, WINDOW);

        // Never pongs, never finishes an asynchronous write: the window fills, then the queue.
        boolean accepted = true;
        int offered = 0;
        while (accepted && offered < 1_000) {
            accepted = out.offer("frame-" + offered++);
        }
        pongTimer.fire();

        assertFalse(accepted, "the queue is bounded");
        drainWrites();
        assertEquals(1, fake.closes().size());
        assertEquals(SessionOutbound.SLOW_CONSUMER, fake.closes().get(0).getCloseCode().getCode());
    }

    @Test
    void aPongForgedBeforeThePingConfirmsNothing() {
        SessionOutbound out = outbound(64, WINDOW);
        frames(12).forEach(out::offer);
        int blocking = fake.blockingTexts().size();

        out.pong(ByteBuffer.allocate(SendWindow.PING_PAYLOAD));

        assertEquals(blocking, fake.blockingTexts().size(), "still waiting for the real pong");
    }

    private SessionOutbound outbound(int capacity, long window) {
        return new SessionOutbound(pongTimer, fake.session, capacity, 1000, window);
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

    /** The pong timer, fired by the test. */
    private static final class ManualTimer implements Executor {
        private final List<Runnable> tasks = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        void fire() {
            List<Runnable> due;
            synchronized (this) {
                due = List.copyOf(tasks);
                tasks.clear();
            }
            due.forEach(Runnable::run);
        }
    }
}
