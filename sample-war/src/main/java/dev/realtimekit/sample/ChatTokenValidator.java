package dev.realtimekit.sample;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.TokenValidator;

/**
 * The sample's (deliberately naive) token: {@code <uuid>:<username>}. A real application verifies a
 * signed token (JWT, session ticket) here.
 */
@ApplicationScoped
public class ChatTokenValidator implements TokenValidator<ChatUser> {

    static final int MAX_NAME_LENGTH = 64;

    @Override
    public CompletionStage<ChatUser> validate(String token) {
        int colon = token.indexOf(':');
        if (colon < 0) {
            return rejected();
        }
        UUID id;
        try {
            id = UUID.fromString(token.substring(0, colon));
        } catch (IllegalArgumentException e) {
            return rejected();
        }
        String name = token.substring(colon + 1);
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            return rejected();
        }
        return CompletableFuture.completedFuture(new ChatUser(id, name));
    }

    private static CompletionStage<ChatUser> rejected() {
        return CompletableFuture.failedFuture(new IllegalArgumentException("Invalid token"));
    }
}
