package dev.realtimekit;

import java.util.concurrent.CompletionStage;

/**
 * Turns the token a client presents at the handshake into a user id. The application provides exactly
 * one implementation as a CDI bean; its type argument must match the {@link MessageHandler}'s
 * {@code U}.
 *
 * <p>The token is taken from the {@code Authorization: Bearer <token>} header or, when there is no
 * such header (browsers cannot set headers on a WebSocket), from the {@code token} query parameter.
 * A handshake without a token is answered with HTTP 401 without calling the validator.
 *
 * <p>The handshake waits for the stage, at most {@code realtime.auth-timeout-ms} (then HTTP 503). A
 * stage that fails with a {@link HandlerException} answers with its status (for example 503 when the
 * identity service is down); any other failure, a thrown exception, a {@code null} stage or a
 * {@code null} user id answers HTTP 401. Called concurrently for different handshakes, on the
 * container's request thread.
 *
 * @param <U> the user id type
 */
public interface TokenValidator<U> {

    /**
     * @param token the token as presented, without the {@code Bearer } prefix; never empty
     * @return a stage with the user id, or failing when the token is not valid
     */
    CompletionStage<U> validate(String token);
}
