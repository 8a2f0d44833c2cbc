package dev.realtimekit.test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.realtimekit.TokenValidator;

/** Tokens are {@code user:<name>}; anything else is rejected. */
public class NameValidator implements TokenValidator<String> {

    @Override
    public CompletionStage<String> validate(String token) {
        return token.startsWith("user:") && token.length() > 5 ? CompletableFuture.completedFuture(token.substring(5))
                : CompletableFuture.failedFuture(new IllegalArgumentException("not a token"));
    }
}
