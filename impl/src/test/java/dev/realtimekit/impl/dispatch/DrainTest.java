package dev.realtimekit.impl.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/** The drain's schedule: batches spread over the window, everything closed once, stragglers included. */
class DrainTest {

    /** A schedule that runs nothing until the test says so, in delay order. */
    private static final class ManualDelays implements Drain.Delays {
        final List<Long> delays = new ArrayList<>();
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void after(long delayMs, Runnable task) {
            delays.add(delayMs);
            tasks.add(task);
        }

        void runAll() {
            tasks.forEach(Runnable::run);
        }
    }

    private final List<Integer> open = new CopyOnWriteArrayList<>();
    private final List<Integer> closed = new CopyOnWriteArrayList<>();
    private final ManualDelays delays = new ManualDelays();
    private final Drain<Integer> drain = new Drain<>(() -> List.copyOf(open), connection -> {
        closed.add(connection);
        open.remove(connection);
        return CompletableFuture.completedFuture(null);
    }, delays, new Random(42));

    @Test
    void batchesFillTheWindowAfterAQuietFirstSlot() {
        for (int seed = 0; seed < 100; seed++) {
            List<Long> at = Drain.delays(20, 10_000, new Random(seed));
            assertEquals(20, at.size());
            double slot = 10_000 / 21.0;
            for (int i = 0; i < at.size(); i++) {
                assertTrue(at.get(i) >= slot * (i + 1) && at.get(i) <= Math.ceil(slot * (i + 2)), "batch " + i + " at " + at.get(i));
            }
            assertTrue(at.get(0) >= 476, "nothing closes before readiness had one slot to be seen");
            assertTrue(at.get(19) <= 10_000, "everything closes within the window");
        }
        assertEquals(List.of(0L, 0L), Drain.delays(2, 0, new Random(1)));
    }

    @Test
    void batchCount() {
        assertEquals(1, Drain.batches(1, 10_000));
        assertEquals(20, Drain.batches(20, 10_000));
        assertEquals(Drain.MAX_BATCHES, Drain.batches(10_000, 60_000));
        assertEquals(5, Drain.batches(10_000, 500), "batches at least 100 ms apart");
        assertEquals(1, Drain.batches(100, 0));
    }

    @Test
    void closesEveryConnectionOnceInRandomOrderAndStragglersLast() {
        for (int i = 0; i < 30; i++) {
            open.add(i);
        }
        CompletableFuture<Void> done = drain.start("test", 3_000);
        assertTrue(drain.isDraining());
        assertTrue(closed.isEmpty(), "nothing closes before its batch's delay");
        open.add(99); // admitted while the drain runs
        assertEquals(30, delays.delays.size(), "one batch per connection here: 30 <= 50 and 3000 / 100");
        delays.runAll();
        assertTrue(done.isDone());
        assertEquals(31, closed.size());
        assertEquals(31, new HashSet<>(closed).size(), "each once");
        assertEquals(99, closed.get(30), "the last batch closes what is still open");
        List<Integer> inOrder = new ArrayList<>(closed.subList(0, 30));
        inOrder.sort(null);
        assertFalse(inOrder.equals(closed.subList(0, 30)), "shuffled, not in connection order");
    }

    @Test
    void startsOnceAndIsOverAtOnceWithoutConnections() {
        CompletableFuture<Void> first = drain.start("test", 3_000);
        assertTrue(first.isDone());
        assertSame(first, drain.start("again", 3_000));
        assertTrue(delays.tasks.isEmpty());
    }

    @Test
    void waitsForEveryOnDisconnect() {
        Set<CompletableFuture<Void>> pending = new HashSet<>();
        Drain<Integer> slow = new Drain<>(() -> List.of(1, 2), connection -> {
            CompletableFuture<Void> finished = new CompletableFuture<>();
            pending.add(finished);
            return finished;
        }, delays, new Random(1));
        CompletableFuture<Void> done = slow.start("test", 1_000);
        delays.runAll();
        assertFalse(done.isDone(), "onDisconnect still running");
        pending.forEach(future -> future.complete(null));
        assertTrue(done.isDone());
    }
}
