package dev.realtimekit.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/** Waits for an asynchronous effect with a deadline; the final assertion decides. */
public final class Poll {

    private Poll() {
    }

    /** Polls until {@code actual} returns {@code expected}, then asserts it; fails with the last value at the deadline. */
    public static <T> void until(T expected, Callable<T> actual, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = actual.call();
        while (!Objects.equals(expected, last) && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling interval, not synchronization
            last = actual.call();
        }
        assertEquals(expected, last);
    }
}
