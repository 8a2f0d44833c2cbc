package dev.realtimekit.it.broadcast;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.TopicAccess;
import dev.realtimekit.TopicAuthorizer;

/** Topics starting with "secret" are forbidden, every other topic is open. */
@ApplicationScoped
public class SecretTopicAuthorizer implements TopicAuthorizer<String> {

    @Override
    public CompletionStage<TopicAccess> authorize(String userId, String topic) {
        return CompletableFuture.completedFuture(topic.startsWith("secret") ? TopicAccess.FORBIDDEN : TopicAccess.ALLOWED);
    }
}
