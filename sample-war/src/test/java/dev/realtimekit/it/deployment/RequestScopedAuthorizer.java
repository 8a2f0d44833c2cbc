package dev.realtimekit.it.deployment;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.RequestScoped;

import dev.realtimekit.TopicAccess;
import dev.realtimekit.TopicAuthorizer;

/** Request scope is not active where the kit calls its beans. */
@RequestScoped
public class RequestScopedAuthorizer implements TopicAuthorizer<String> {

    @Override
    public CompletionStage<TopicAccess> authorize(String userId, String topic) {
        return CompletableFuture.completedFuture(TopicAccess.ALLOWED);
    }
}
