package dev.realtimekit.impl.websocket;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.realtimekit.HandlerException;
import dev.realtimekit.TokenValidator;
import dev.realtimekit.TopicAccess;
import dev.realtimekit.TopicAuthorizer;
import dev.realtimekit.impl.dispatch.Stages;
import dev.realtimekit.impl.i18n.Messages;

/**
 * The handshake's checks: the application's {@link TokenValidator}, then its optional
 * {@link TopicAuthorizer}, within the handshake's deadline. Thread-safe; blocks the calling request
 * thread until the deadline at most. Public for the testing kit, whose simulated handshakes answer as
 * the servlet does.
 */
public final class HandshakeAuthenticator {

    /** What the handshake gets: an HTTP status to answer with, or the user to upgrade for. */
    public record Outcome(int status, Object userId) {
        static Outcome refuse(int status) {
            return new Outcome(status, null);
        }

        public boolean allowed() {
            return status == 101;
        }
    }

    private final TokenValidator<Object> validator;
    private final TopicAuthorizer<Object> authorizer;
    private final long timeoutMs;

    public HandshakeAuthenticator(TokenValidator<Object> validator, TopicAuthorizer<Object> authorizer, long timeoutMs) {
        this.validator = validator;
        this.authorizer = authorizer;
        this.timeoutMs = timeoutMs;
    }

    /**
     * @param token the presented token, or null when there was none
     * @param topic the requested topic, decoded and syntactically valid
     * @param deadline when the handshake's time is up ({@link System#nanoTime})
     */
    public Outcome check(String token, String topic, long deadline) {
        if (token == null || token.isEmpty()) {
            return Outcome.refuse(401);
        }
        Object userId;
        try {
            userId = await(() -> validator.validate(token), deadline);
        } catch (Refusal refusal) {
            return Outcome.refuse(refusal.status(401, validator));
        }
        if (userId == null) {
            return Outcome.refuse(401);
        }
        if (authorizer == null) {
            return new Outcome(101, userId);
        }
        TopicAccess access;
        try {
            access = await(() -> authorizer.authorize(userId, topic), deadline);
        } catch (Refusal refusal) {
            return Outcome.refuse(refusal.status(500, authorizer));
        }
        if (access == null) {
            Messages.authenticatorFailed(authorizer.getClass().getName(),
                    new NullPointerException("TopicAuthorizer answered null"));
            return Outcome.refuse(500);
        }
        return access == TopicAccess.ALLOWED ? new Outcome(101, userId) : Outcome.refuse(access.httpStatus());
    }

    private <T> T await(Supplier<CompletionStage<T>> call, long deadline) throws Refusal {
        CompletionStage<T> stage;
        try {
            stage = call.get();
        } catch (RuntimeException e) {
            throw new Refusal(e);
        }
        if (stage == null) {
            throw new Refusal(new NullPointerException("null stage"));
        }
        CompletableFuture<T> future = Stages.toFuture(stage);
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new Refusal(e.getCause());
        } catch (TimeoutException e) {
            throw new Refusal(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refusal(e);
        }
    }

    /** A check that did not answer normally: failed, or ran out of time (no cause). */
    private final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;

        Refusal(Throwable cause) {
            super(null, cause, false, false);
        }

        int status(int otherwise, Object bean) {
            Throwable cause = getCause() == null ? null : Stages.unwrap(getCause());
            if (cause == null) {
                Messages.handshakeTimedOut(bean.getClass().getName(), timeoutMs);
                return 503;
            }
            if (cause instanceof HandlerException handlerException) {
                return handlerException.status();
            }
            if (cause instanceof InterruptedException) {
                return 503; // the server is stopping
            }
            if (otherwise >= 500) {
                Messages.authenticatorFailed(bean.getClass().getName(), cause);
            } else {
                String failure = cause.getClass().getName();
                Messages.LOG.fine(() -> "Handshake refused by " + bean.getClass().getName() + ": " + failure);
            }
            return otherwise;
        }
    }
}
