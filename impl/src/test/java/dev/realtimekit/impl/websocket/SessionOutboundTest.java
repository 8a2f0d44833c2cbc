package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.realtimekit.testsupport.Await;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionOutboundTest {

    private final FakeSession fake = new FakeSession();

    @Test
    void passesTheSendTimeoutToTheContainer() {
        new SessionOutbound(fake.session, 8, Long.MAX_VALUE, 1234, 0);

        assertEquals(1234, fake.sendTimeout());
    }

    /** A container that reported one write twice would otherwise make a second writer: frames interleaved on the wire. */
    @Test
    void aWriteReportedCompleteTwiceCountsOnce() {
        SessionOutbound out = outbound(8);
        out.offer("a");
        out.offer("b");
        out.offer("c");

        fake.completeWriteTwice();
        out.offer("d");

        assertEquals(List.of("a", "b"), fake.texts(), "c waits for b, however often a was reported");
        fake.completeWrite();
        fake.completeWrite();
        fake.completeWrite();
        assertEquals(List.of("a", "b", "c", "d"), fake.texts());
        assertEquals(1, fake.maxInFlight());
    }

    @Test
    void writesOneFrameAtATimeInOfferOrder() {
        SessionOutbound out = outbound(8);

        assertTrue(out.offer("a"));
        assertTrue(out.offer("b"));
        assertTrue(out.offer("c"));

        assertEquals(List.of("a"), fake.texts(), "b waits until a is written");
        fake.completeWrite();
        assertEquals(List.of("a", "b"), fake.texts());
        fake.completeWrite();
        assertEquals(List.of("a", "b", "c"), fake.texts());
        fake.completeWrite();
        assertEquals(0, fake.pendingWrites());
        assertEquals(1, fake.maxInFlight());
    }

    @Test
    void sendCompletesWhenTheFrameHasBeenWritten() {
        SessionOutbound out = outbound(8);

        CompletableFuture<Void> first = out.send("a").toCompletableFuture();
        CompletableFuture<Void> second = out.send("b").toCompletableFuture();

        assertFalse(first.isDone());
        fake.completeWrite();
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
        assertFalse(second.isDone());
        fake.completeWrite();
        assertTrue(second.isDone() && !second.isCompletedExceptionally());
    }

    @Test
    void aFailedWriteFailsItsSendAndTheQueuedOnesAndClosesTheSession() {
        SessionOutbound out = outbound(8);
        CompletableFuture<Void> first = out.send("a").toCompletableFuture();
        CompletableFuture<Void> second = out.send("b").toCompletableFuture();
        IOException broken = new IOException("broken pipe");

        fake.failWrite(broken);

        assertSame(broken, Await.failure(first));
        Await.failure(second);
        assertEquals(List.of("a"), fake.texts(), "nothing is written after a failed write");
        assertEquals(1, fake.closes().size());
        assertFalse(out.isOpen());
        assertFalse(out.offer("c"));
        Await.failure(out.send("d"));
    }

    @Test
    void aSendTextThatThrowsFailsTheSendAndClosesTheSession() {
        FakeSession throwing = new FakeSession();
        throwing.completeWritesOn(task -> {
            throw new IllegalStateException("container refused the write");
        });
        SessionOutbound out = new SessionOutbound(throwing.session, 8, Long.MAX_VALUE, 1000, 0);

        Throwable failure = Await.failure(out.send("a"));

        assertEquals("container refused the write", failure.getMessage());
        assertEquals(1, throwing.closes().size());
        assertFalse(out.offer("b"));
    }

    @Test
    void overflowingTheQueueClosesTheSessionWith1008AndRefusesLaterFrames() {
        SessionOutbound out = outbound(3);
        assertTrue(out.offer("1"));
        assertTrue(out.offer("2"));
        assertTrue(out.offer("3"));

        assertFalse(out.offer("4"), "a fourth frame exceeds the capacity");
        assertFalse(out.isOpen());
        fake.completeWrite();
        drainWrites();

        assertEquals(List.of(1008), closeCodes());
        assertFalse(out.offer("5"));
        Await.failure(out.send("6"));
        assertFalse(fake.texts().contains("4"));
        assertFalse(fake.texts().contains("5"));
    }

    @Test
    void fallingBehindInBytesClosesWith1008EvenWithRoomForFrames() {
        SessionOutbound out = new SessionOutbound(fake.session, 1000, 100, 1000, 0);
        String big = "x".repeat(60);
        assertTrue(out.offer(big), "written at once: nothing queued before it");
        assertTrue(out.offer(big), "queued: 62 bytes are in flight, under the limit");

        assertFalse(out.offer("small"), "124 bytes are behind (in flight and queued): over the 100-byte limit");
        drainWrites();

        assertEquals(List.of(1008), closeCodes());
        assertFalse(fake.texts().contains("small"));
    }

    @Test
    void aSingleFrameLargerThanTheByteLimitStillGoesToAClientThatIsNotBehind() {
        SessionOutbound out = new SessionOutbound(fake.session, 1000, 100, 1000, 0);

        assertTrue(out.offer("y".repeat(500)));
        drainWrites();
        assertTrue(out.offer("after"));
        drainWrites();

        assertEquals(List.of("y".repeat(500), "after"), fake.texts());
        assertEquals(List.of(), closeCodes());
    }

    @Test
    void aClientThatAnswersNothingUntilTheNextHeartbeatIsClosedWith1001() {
        SessionOutbound out = outbound(8);

        java.util.concurrent.atomic.AtomicInteger unanswered = new java.util.concurrent.atomic.AtomicInteger();
        assertTrue(out.heartbeat(System.nanoTime(), true, unanswered::incrementAndGet));
        assertEquals(1, fake.pings().size(), "the first heartbeat pings");
        assertFalse(out.heartbeat(System.nanoTime(), true, unanswered::incrementAndGet), "nothing arrived since the ping");

        assertEquals(List.of(1001), closeCodes());
        assertEquals(1, unanswered.get());
    }

    /**
     * After a failed write the kit closes the session and waits for the container to report the close;
     * Liberty 25 sometimes never does (its own close fails in its TCP channel, FFDC "Number of bytes
     * requested: -1"), which left connections registered for ever (ClosingClientsIT with the sample's
     * join/leave notices). The heartbeat gives such a connection up one beat later.
     */
    @Test
    void aSessionClosedAfterAFailedWriteWhoseCloseTheContainerNeverReportsIsGivenUpAtTheNextHeartbeat() {
        SessionOutbound out = outbound(8);
        java.util.concurrent.atomic.AtomicInteger gone = new java.util.concurrent.atomic.AtomicInteger();
        assertTrue(out.offer("a"));
        fake.failWrite(new IOException("broken pipe"));
        assertEquals(1, fake.closes().size(), "the kit closed the session");

        assertTrue(out.heartbeat(System.nanoTime(), true, gone::incrementAndGet), "the container may still report it");
        assertEquals(0, gone.get());
        assertFalse(out.heartbeat(System.nanoTime(), true, gone::incrementAndGet), "a whole beat without the container's report");
        assertEquals(1, gone.get(), "given up");
        assertEquals(0, fake.pings().size(), "a closed session is not pinged");
    }

    @Test
    void aClientThatAnswersTheHeartbeatPingStaysOpen() {
        SessionOutbound out = outbound(8);

        for (int beat = 0; beat < 5; beat++) {
            assertTrue(out.heartbeat(System.nanoTime(), true, () -> {
                throw new AssertionError("closed although it answers");
            }));
            out.pong(java.nio.ByteBuffer.wrap(new byte[] {'r', 't', 'k'}));
        }

        assertEquals(5, fake.pings().size());
        assertEquals(List.of(), closeCodes());
    }

    @Test
    void aHeartbeatPingWaitsForTheWriteInFlight() {
        SessionOutbound out = outbound(8);
        assertTrue(out.offer("in flight"));

        out.heartbeat(System.nanoTime(), true, () -> {
        });
        assertEquals(0, fake.pings().size(), "no ping while a write is in flight");
        drainWrites();

        assertEquals(1, fake.pings().size());
    }

    @Test
    void closeIsSentAfterTheFramesAlreadyQueued() {
        SessionOutbound out = outbound(8);
        out.offer("a");
        out.offer("b");

        CompletableFuture<Void> closed = out.close(4000, "bye").toCompletableFuture();

        assertFalse(out.offer("c"), "no frames after close");
        assertEquals(List.of(), fake.closes());
        fake.completeWrite();
        assertEquals(List.of("a", "b"), fake.texts());
        assertEquals(List.of(), fake.closes(), "b is still being written");
        assertFalse(closed.isDone());
        fake.completeWrite();

        assertEquals(List.of(4000), closeCodes());
        assertEquals("bye", fake.closes().get(0).getReasonPhrase());
        assertTrue(closed.isDone() && !closed.isCompletedExceptionally());
        assertEquals(List.of("a", "b"), fake.texts());
        assertTrue(out.close(1000, "").toCompletableFuture().isDone(), "closing again completes at once");
        assertEquals(1, fake.closes().size());
    }

    @Test
    void framesQueuedWhenThePeerIsGoneAreFailedNotWritten() {
        SessionOutbound out = outbound(8);
        out.offer("a");
        CompletableFuture<Void> queued = out.send("b").toCompletableFuture();

        out.closed();
        fake.completeWrite();

        Await.failure(queued);
        assertEquals(List.of("a"), fake.texts());
        assertFalse(out.offer("c"));
        assertTrue(out.close(1000, "").toCompletableFuture().isDone());
        assertEquals(List.of(), fake.closes(), "no close frame to a peer that is gone");
    }

    @Test
    void tenThousandFramesCompletedInlineAreWrittenInOrderWithoutRecursion() {
        int frames = 10_000;
        SessionOutbound out = outbound(frames + 1);
        List<String> expected = IntStream.range(0, frames).mapToObj(Integer::toString).toList();
        expected.forEach(out::offer);
        assertEquals(List.of("0"), fake.texts());

        fake.completeWritesOn(Runnable::run);
        fake.completeWrite();

        assertEquals(expected, fake.texts());
        assertEquals(1, fake.maxInFlight());
        assertTrue(out.send("last").toCompletableFuture().isDone(), "the queue is idle and still works");
    }

    @Test
    void concurrentProducersNeverHaveTwoWritesInFlight() throws Exception {
        int producers = 4;
        int framesEach = 500;
        ConcurrentProducers.offerAll(fake, () -> outbound(producers * framesEach), producers, framesEach, 0, 10);

        assertEquals(1, fake.maxInFlight());
        ConcurrentProducers.assertEachInOrder(fake, producers, framesEach);
    }

    /** Asynchronous writes only (window 0): the tests of the queue's discipline. */
    private SessionOutbound outbound(int capacity) {
        return new SessionOutbound(fake.session, capacity, Long.MAX_VALUE, 1000, 0);
    }

    private void drainWrites() {
        while (fake.pendingWrites() > 0) {
            fake.completeWrite();
        }
    }

    private List<Integer> closeCodes() {
        return fake.closes().stream().map(CloseReason::getCloseCode).map(CloseReason.CloseCode::getCode).toList();
    }
}
