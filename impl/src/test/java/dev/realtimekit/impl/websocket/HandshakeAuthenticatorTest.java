package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

import dev.realtimekit.HandlerException;
import dev.realtimekit.TokenValidator;
import dev.realtimekit.TopicAccess;
import dev.realtimekit.TopicAuthorizer;
import dev.realtimekit.impl.websocket.HandshakeAuthenticator.Outcome;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HandshakeAuthenticatorTest {

    private static final long TIMEOUT_MS = 200;
    private static final String USER = "user-42";

    private final List<String> validated = new CopyOnWriteArrayList<>();
    private final List<String> authorized = new CopyOnWriteArrayList<>();

    // Token validation

    @ParameterizedTest
    @NullAndEmptySource
    void aMissingTokenIs401WithoutCallingTheValidator(String token) {
        Outcome outcome = authenticator(validator(() -> CompletableFuture.completedFuture(USER)), null).check(token, "room", deadline());

        assertRefused(401, outcome);
        assertEquals(List.of(), validated);
    }

    enum Rejection {
        FAILED_STAGE(() -> CompletableFuture.failedFuture(new IllegalArgumentException("bad signature"))),
        FAILED_LATER(() -> CompletableFuture.supplyAsync(() -> {
            throw new IllegalArgumentException("expired");
        })),
        THROWN(() -> {
            throw new IllegalStateException("validator bug");
        }),
        NULL_STAGE(() -> null),
        NULL_USER(() -> CompletableFuture.completedFuture(null));

        final Supplier<CompletionStage<Object>> answer;

        Rejection(Supplier<CompletionStage<Object>> answer) {
            this.answer = answer;
        }
    }

    @ParameterizedTest
    @EnumSource(Rejection.class)
    void aRejectedTokenIs401(Rejection rejection) {
        Outcome outcome = check(validator(rejection.answer), null);

        assertRefused(401, outcome);
        assertEquals(List.of("token-1"), validated);
    }

    @Test
    void aValidatorFailingWithHandlerExceptionGivesItsStatus() {
        assertRefused(503, check(validator(() -> CompletableFuture.failedFuture(new HandlerException(503))), null));
    }

    @Test
    void aValidatorFailingLaterWithHandlerExceptionGivesItsStatus() {
        TokenValidator<Object> validator = validator(() -> CompletableFuture.supplyAsync(() -> {
            throw new HandlerException(503, "Identity service down");
        }));

        assertRefused(503, check(validator, null));
    }

    @Test
    void aValidatorThrowingHandlerExceptionGivesItsStatus() {
        assertRefused(429, check(validator(() -> {
            throw new HandlerException(429);
        }), null));
    }

    @Test
    void aValidatorThatNeverAnswersIs503AfterTheTimeout() {
        long start = System.nanoTime();

        Outcome outcome = check(validator(CompletableFuture::new), null);

        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertRefused(503, outcome);
        assertTrue(elapsedMs >= TIMEOUT_MS - 10, "answered after " + elapsedMs + " ms, before the timeout");
    }

    @Test
    void withoutAnAuthorizerAValidTokenIsAllowed() {
        Outcome outcome = check(validator(() -> CompletableFuture.completedFuture(USER)), null);

        assertAllowed(outcome);
        assertEquals(List.of("token-1"), validated);
    }

    // Topic authorization

    @ParameterizedTest
    @CsvSource({"FORBIDDEN, 403", "NOT_FOUND, 404"})
    void aRefusingAuthorizerGivesItsStatus(TopicAccess access, int status) {
        Outcome outcome = check(validUser(), authorizer(() -> CompletableFuture.completedFuture(access)));

        assertRefused(status, outcome);
        assertEquals(List.of(USER + " room"), authorized);
    }

    @Test
    void anAllowingAuthorizerGivesTheUpgradeWithTheUserId() {
        Outcome outcome = check(validUser(), authorizer(() -> CompletableFuture.completedFuture(TopicAccess.ALLOWED)));

        assertAllowed(outcome);
        assertEquals(List.of(USER + " room"), authorized, "the authorizer gets the validated user and the topic");
    }

    enum AuthorizerFailure {
        FAILED_STAGE(() -> CompletableFuture.failedFuture(new IllegalStateException("db down"))),
        THROWN(() -> {
            throw new IllegalStateException("authorizer bug");
        }),
        NULL_STAGE(() -> null),
        NULL_ANSWER(() -> CompletableFuture.completedFuture(null));

        final Supplier<CompletionStage<TopicAccess>> answer;

        AuthorizerFailure(Supplier<CompletionStage<TopicAccess>> answer) {
            this.answer = answer;
        }
    }

    @ParameterizedTest
    @EnumSource(AuthorizerFailure.class)
    void aFailingAuthorizerIs500(AuthorizerFailure failure) {
        assertRefused(500, check(validUser(), authorizer(failure.answer)));
    }

    @Test
    void anAuthorizerFailingWithHandlerExceptionGivesItsStatus() {
        assertRefused(429, check(validUser(), authorizer(() -> CompletableFuture.failedFuture(new HandlerException(429)))));
    }

    @Test
    void anAuthorizerThatNeverAnswersIs503() {
        assertRefused(503, check(validUser(), authorizer(CompletableFuture::new)));
    }

    @Test
    void theAuthorizerIsNotCalledForARejectedToken() {
        check(validator(() -> CompletableFuture.failedFuture(new IllegalArgumentException())),
                authorizer(() -> CompletableFuture.completedFuture(TopicAccess.ALLOWED)));

        assertEquals(List.of(), authorized);
    }

    @Test
    void theChecksEndAtTheHandshakesDeadlineNotAFreshTimeout() {
        // The handshake spent most of its time already (e.g. elsewhere): 50 ms are left of it.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        TokenValidator<Object> slow = validator(() -> CompletableFuture.supplyAsync(() -> USER,
                CompletableFuture.delayedExecutor(TIMEOUT_MS - 50, TimeUnit.MILLISECONDS)));

        assertRefused(503, authenticator(slow, null).check("token-1", "room", deadline));
    }

    @Test
    void noLogRecordAtAnyLevelHoldsTheToken() {
        String token = "secret-token-" + java.util.UUID.randomUUID();
        java.util.List<String> logged = new CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = dev.realtimekit.impl.i18n.Messages.LOG;
        java.util.logging.Level level = logger.getLevel();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    text.append(' ').append(t);
                }
                logged.add(text.toString());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(java.util.logging.Level.ALL);
        logger.setLevel(java.util.logging.Level.ALL);
        logger.addHandler(capture);
        try {
            TopicAuthorizer<Object> failing = authorizer(() -> {
                throw new IllegalStateException("authorizer bug");
            });
            // Validators that name the token in their failures, as careless ones do.
            List<Supplier<CompletionStage<Object>>> careless = List.of(
                    () -> CompletableFuture.failedFuture(new IllegalArgumentException("bad token " + token)),
                    () -> CompletableFuture.supplyAsync(() -> {
                        throw new IllegalStateException("expired: " + token);
                    }),
                    () -> {
                        throw new IllegalStateException("validator bug on " + token);
                    },
                    () -> CompletableFuture.failedFuture(new dev.realtimekit.HandlerException(503, "down for " + token)));
            for (Supplier<CompletionStage<Object>> answer : careless) {
                new HandshakeAuthenticator(validator(answer), null, TIMEOUT_MS).check(token, "room", deadline());
            }
            new HandshakeAuthenticator(validator(CompletableFuture::new), null, TIMEOUT_MS).check(token, "room", deadline());
            new HandshakeAuthenticator(validUser(), failing, TIMEOUT_MS).check(token, "room", deadline());
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(level);
        }

        assertTrue(logged.size() >= 3, "the failures were logged: " + logged);
        assertTrue(logged.stream().noneMatch(line -> line.contains(token)), logged.toString());
    }

    // Helpers
    // Helpers

    private Outcome check(TokenValidator<Object> validator, TopicAuthorizer<Object> authorizer) {
        return authenticator(validator, authorizer).check("token-1", "room", deadline());
    }

    private static long deadline() {
        return System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
    }

    private static HandshakeAuthenticator authenticator(TokenValidator<Object> validator, TopicAuthorizer<Object> authorizer) {
        return new HandshakeAuthenticator(validator, authorizer, TIMEOUT_MS);
    }

    private TokenValidator<Object> validUser() {
        return validator(() -> CompletableFuture.completedFuture(USER));
    }

    private TokenValidator<Object> validator(Supplier<CompletionStage<Object>> answer) {
        return token -> {
            validated.add(token);
            return answer.get();
        };
    }

    private TopicAuthorizer<Object> authorizer(Supplier<CompletionStage<TopicAccess>> answer) {
        return (userId, topic) -> {
            authorized.add(userId + " " + topic);
            return answer.get();
        };
    }

    private static void assertRefused(int status, Outcome outcome) {
        assertEquals(status, outcome.status());
        assertFalse(outcome.allowed());
        assertNull(outcome.userId());
    }

    private static void assertAllowed(Outcome outcome) {
        assertEquals(101, outcome.status());
        assertTrue(outcome.allowed());
        assertEquals(USER, outcome.userId());
    }
}
