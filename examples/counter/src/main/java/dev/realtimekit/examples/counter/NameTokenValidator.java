package dev.realtimekit.examples.counter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.TokenValidator;

/**
 * The example's (deliberately naive) token: the user's name, 1 to 64 characters without control
 * characters. A real application verifies a signed token (a JWT, a session ticket) here.
 */
@ApplicationScoped
public class NameTokenValidator implements TokenValidator<String> {

    @Override
    public CompletionStage<String> validate(String token) {
        if (token.isBlank() || token.length() > 64 || token.chars().anyMatch(Character::isISOControl)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("Invalid token"));
        }
        return CompletableFuture.completedFuture(token);
    }
}
