package dev.realtimekit.impl.dispatch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Helpers for the stages application beans return. */
public final class Stages {

    private Stages() {
    }

    /** @return the stage as a CompletableFuture, also for stages that refuse {@code toCompletableFuture()} */
    public static <T> CompletableFuture<T> toFuture(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException e) {
            CompletableFuture<T> future = new CompletableFuture<>();
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    future.completeExceptionally(failure);
                } else {
                    future.complete(value);
                }
            });
            return future;
        }
    }

    /**
     * @return a stage that completes as {@code stage} does, or fails with a {@link HandlerTimeoutException}
     *     after {@code timeoutMs}; a stage that is already complete is returned as it is (no timer)
     */
    static <T> CompletableFuture<T> withTimeout(CompletionStage<T> stage, long timeoutMs) {
        CompletableFuture<T> future = toFuture(stage);
        if (future.isDone()) {
            return future;
        }
        // A copy times out, not the handler's own future. Its own failure reaches the copy wrapped in a
        // CompletionException; only orTimeout completes it with a bare TimeoutException.
        CompletableFuture<T> limited = new CompletableFuture<>();
        future.copy().orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((value, failure) -> {
            if (failure == null) {
                limited.complete(value);
            } else if (failure instanceof TimeoutException) {
                limited.completeExceptionally(new HandlerTimeoutException(timeoutMs));
            } else {
                limited.completeExceptionally(failure);
            }
        });
        return limited;
    }

    /** Calls something that returns a stage; a thrown exception or a null stage becomes a failed stage. */
    public static <T> CompletionStage<T> call(Supplier<? extends CompletionStage<T>> call) {
        try {
            CompletionStage<T> stage = call.get();
            return stage != null ? stage : CompletableFuture.failedFuture(
                    new NullPointerException("null instead of a CompletionStage"));
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** @return the failure inside any CompletionException/ExecutionException wrappers */
    public static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
