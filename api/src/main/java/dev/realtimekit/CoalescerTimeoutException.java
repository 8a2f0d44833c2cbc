package dev.realtimekit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * The operation a {@link Coalescer} ran for a key did not complete within the coalescer's timeout.
 * Every caller waiting for that operation fails with the same instance; the key was freed, so the next
 * call starts a fresh operation. The timed-out operation itself may still be running: its late result
 * is dropped.
 *
 * <p>The message names the timeout, never the key (keys may be private).
 */
public class CoalescerTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    /**
     * @param timeout the timeout that elapsed; not {@code null}
     */
    public CoalescerTimeoutException(Duration timeout) {
        super("The coalesced operation did not complete within " + describe(Objects.requireNonNull(timeout, "timeout")));
        this.timeout = timeout;
    }

    private static String describe(Duration timeout) {
        return timeout.toNanos() % 1_000_000 == 0 ? timeout.toMillis() + " ms" : timeout.toString();
    }

    /** @return the timeout that elapsed */
    public Duration timeout() {
        return timeout;
    }
}
