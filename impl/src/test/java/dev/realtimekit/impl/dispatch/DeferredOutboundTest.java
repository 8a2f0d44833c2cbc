package dev.realtimekit.impl.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.realtimekit.testsupport.Await;

class DeferredOutboundTest {

    private final DeferredOutbound deferred = new DeferredOutbound(3, Long.MAX_VALUE);
    private final FakeOutbound session = new FakeOutbound();

    @Test
    void framesKeptBeforeTheSessionOpensGoOutFirstAndInOrder() {
        assertTrue(deferred.offer("a"));
        CompletableFuture<Void> b = deferred.send("b").toCompletableFuture();
        assertFalse(b.isDone(), "not written before there is a session");

        deferred.attach(session);
        deferred.offer("c");

        assertEquals(List.of("a", "b", "c"), session.frames());
        Await.result(b);
    }

    @Test
    void overflowingBeforeTheSessionOpensClosesItAsTooSlowWhenItOpens() {
        for (int i = 0; i < 3; i++) {
            assertTrue(deferred.offer("f" + i));
        }
        assertFalse(deferred.offer("one too many"));
        assertFalse(deferred.isOpen());

        deferred.attach(session);

        assertEquals(List.of("close 1008"), session.log());
    }

    @Test
    void aCloseRequestedBeforeTheSessionOpensIsSentAfterTheKeptFrames() {
        deferred.offer("bye");
        CompletableFuture<Void> closed = deferred.close(4000, "done").toCompletableFuture();
        assertFalse(deferred.offer("after close"));

        deferred.attach(session);

        assertEquals(List.of("frame bye", "close 4000"), session.log());
        Await.result(closed);
    }

    @Test
    void anAbandonedConnectionKeepsNothing() {
        deferred.offer("a");
        CompletableFuture<Void> sent = deferred.send("b").toCompletableFuture();
        deferred.closed();

        assertFalse(deferred.isOpen());
        assertFalse(deferred.offer("c"));
        assertTrue(deferred.send("d").toCompletableFuture().isCompletedExceptionally());
        assertFalse(sent.isDone() && !sent.isCompletedExceptionally(), "a frame that was never written is not reported written");
    }

    /**
     * On Liberty a kept frame's write can fail inside the attach (the client is already gone); the
     * session then closes, and the container reports the close on the same thread, which reaches this
     * outbound again while it is still replaying. Seen as a ConcurrentModificationException thrown out
     * of onOpen: the connection never got its message handlers, and its client no answer.
     */
    @Test
    void aCloseReportedWhileTheKeptFramesAreReplayedEndsTheReplayWithoutFailingTheAttach() {
        deferred.offer("a");
        deferred.offer("b");
        Outbound failing = new FakeOutbound() {
            @Override
            public boolean offer(String frame) {
                super.offer(frame);
                deferred.closed(); // the write failed, the container reported the close at once
                return false;
            }
        };

        deferred.attach(failing);

        assertEquals(List.of("a"), ((FakeOutbound) failing).frames(), "the replay stops at the close");
        assertFalse(deferred.isOpen(), "the session was told it is closed");
        assertFalse(deferred.offer("c"), "nothing is taken after the close");
    }

    @Test
    void aFrameOfferedFromInsideTheReplayGoesOutAfterTheFramesKeptBeforeIt() {
        deferred.offer("a");
        deferred.offer("b");
        FakeOutbound echoing = new FakeOutbound() {
            @Override
            public boolean offer(String frame) {
                boolean taken = super.offer(frame);
                if (frame.equals("a")) {
                    deferred.offer("reply to a"); // e.g. a fan-out that runs on the writing thread
                }
                return taken;
            }
        };

        deferred.attach(echoing);

        // Kept frames first, in the order they came: "b" was offered before the reply was.
        assertEquals(List.of("a", "b", "reply to a"), echoing.frames());
    }

    @Test
    void framesOfEachProducerKeepTheirOrderAcrossTheAttach() throws Exception {
        DeferredOutbound big = new DeferredOutbound(100_000, Long.MAX_VALUE);
        int producers = 4;
        int perProducer = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                running.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perProducer; i++) {
                        big.offer(producer + ":" + i);
                    }
                    return null;
                }));
            }
            start.countDown();
            big.attach(session); // while the producers run
            for (Future<?> done : running) {
                done.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> frames = session.frames();
        assertEquals(producers * perProducer, frames.size());
        for (int p = 0; p < producers; p++) {
            String prefix = p + ":";
            List<String> own = frames.stream().filter(frame -> frame.startsWith(prefix)).toList();
            for (int i = 0; i < perProducer; i++) {
                assertEquals(prefix + i, own.get(i));
            }
        }
    }
}
