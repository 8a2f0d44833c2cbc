package dev.realtimekit;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether an authenticated user may subscribe to a topic. Optional: without one, every
 * authenticated user may join every topic. At most one implementation, as a CDI bean whose type
 * argument matches the {@link MessageHandler}'s {@code U}.
 *
 * <p>Called during the handshake, after the {@link TokenValidator}; the decision becomes the
 * handshake's HTTP status, before the upgrade: {@link TopicAccess#FORBIDDEN} gives 403,
 * {@link TopicAccess#NOT_FOUND} gives 404. A stage that fails with a {@link HandlerException} answers
 * with its status; any other failure or a {@code null} answer gives 500 (and is logged). The handshake
 * waits at most {@code realtime.auth-timeout-ms} for the whole check (then 503). Called concurrently
 * for different handshakes, on the container's request thread.
 *
 * @param <U> the user id type
 */
public interface TopicAuthorizer<U> {

    /**
     * @param userId the authenticated user
     * @param topic the requested topic, already URL-decoded
     * @return a stage with the decision
     */
    CompletionStage<TopicAccess> authorize(U userId, String topic);
}
