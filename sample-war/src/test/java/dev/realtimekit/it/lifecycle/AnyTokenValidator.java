package dev.realtimekit.it.lifecycle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.TokenValidator;

/** Accepts every token; the token is the user id. */
@ApplicationScoped
public class AnyTokenValidator implements TokenValidator<String> {

    @Override
    public CompletionStage<String> validate(String token) {
        return CompletableFuture.completedFuture(token);
    }
}
