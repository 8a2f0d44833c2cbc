package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import dev.realtimekit.testsupport.Await;

/** Threads offering numbered frames ({@code "<producer>:<i>"}) to one outbound at once: SessionOutbound's concurrency tests. */
final class ConcurrentProducers {

    private ConcurrentProducers() {
    }

    /**
     * Starts {@code producers} threads together, each offering {@code framesEach} frames in order (every offer must be
     * accepted), and returns once each of them finished within {@code timeoutSeconds} and the fake session received
     * every frame. Asynchronous writes complete on a thread of their own meanwhile.
     *
     * @param outbound creates the outbound, once the fake completes its writes on that thread
     * @param roundEvery when above 0, the producers wait for each other every that many frames, so that rounds start
     *     together, often on an idle outbound, where every producer may find it idle
     */
    static void offerAll(FakeSession fake, Supplier<SessionOutbound> outbound, int producers, int framesEach,
            int roundEvery, long timeoutSeconds) throws Exception {
        ExecutorService completer = Executors.newSingleThreadExecutor();
        ExecutorService workers = Executors.newFixedThreadPool(producers);
        fake.completeWritesOn(completer);
        SessionOutbound out = outbound.get();
        CountDownLatch start = new CountDownLatch(1);
        CyclicBarrier round = new CyclicBarrier(producers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                done.add(workers.submit(() -> {
                    start.await();
                    for (int i = 0; i < framesEach; i++) {
                        if (roundEvery > 0 && i % roundEvery == 0) {
                            round.await(10, TimeUnit.SECONDS);
                        }
                        assertTrue(out.offer(producer + ":" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(timeoutSeconds, TimeUnit.SECONDS);
            }
            Await.until("all frames written", () -> fake.texts().size() == producers * framesEach);
        } finally {
            workers.shutdownNow();
            completer.shutdownNow();
        }
    }

    /** Asserts that every producer's frames were written in the order it offered them. */
    static void assertEachInOrder(FakeSession fake, int producers, int framesEach) {
        for (int p = 0; p < producers; p++) {
            String prefix = p + ":";
            List<String> mine = fake.texts().stream().filter(t -> t.startsWith(prefix)).toList();
            assertEquals(IntStream.range(0, framesEach).mapToObj(i -> prefix + i).toList(), mine);
        }
    }
}
