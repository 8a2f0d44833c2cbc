package dev.realtimekit.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/** Waits for a condition with a deadline, for effects that happen asynchronously on the server. */
public final class Poll {

    private Poll() {
    }

    /** Polls until {@code actual} returns {@code expected}, then asserts it; fails with the last value at the deadline. */
    public static <T> void until(T expected, Callable<T> actual, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = actual.call();
        while (!Objects.equals(expected, last) && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling interval, not synchronization: the assertion below decides
            last = actual.call();
        }
        assertEquals(expected, last);
    }
}
