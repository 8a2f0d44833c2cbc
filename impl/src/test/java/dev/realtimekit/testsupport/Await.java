package dev.realtimekit.testsupport;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting helpers for concurrency tests: every wait is bounded, none is a bare sleep. */
public final class Await {

    /** The longest any positive wait may take before the test fails. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** How long a negative check ("this does not happen") watches for the thing to happen. */
    public static final Duration SHORT = Duration.ofMillis(100);

    private Await() {
    }

    /** Polls until the condition holds; fails the test after {@link #TIMEOUT}. */
    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("Timed out after " + TIMEOUT.toMillis() + " ms waiting for: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Watches the condition for {@link #SHORT} and fails the test as soon as it holds. */
    public static void never(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + SHORT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                fail("Expected not to happen, but it did: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** @return the stage's value; fails the test if it does not complete normally within {@link #TIMEOUT} */
    public static <T> T result(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("The stage failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("The stage did not complete within " + TIMEOUT.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted", e);
        }
    }

    /** @return the failure of a stage that must complete exceptionally within {@link #TIMEOUT} */
    public static Throwable failure(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("Expected the stage to fail, but it completed with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("The stage did not complete within " + TIMEOUT.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted", e);
        }
    }
}
