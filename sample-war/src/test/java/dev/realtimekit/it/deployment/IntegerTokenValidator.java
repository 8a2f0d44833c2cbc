package dev.realtimekit.it.deployment;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.TokenValidator;

/** Produces Integer user ids, which a handler expecting String ids cannot use. */
@ApplicationScoped
public class IntegerTokenValidator implements TokenValidator<Integer> {

    @Override
    public CompletionStage<Integer> validate(String token) {
        return CompletableFuture.completedFuture(token.length());
    }
}
