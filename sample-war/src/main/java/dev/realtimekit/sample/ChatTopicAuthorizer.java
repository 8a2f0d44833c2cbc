package dev.realtimekit.sample;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.TopicAccess;
import dev.realtimekit.TopicAuthorizer;

/**
 * Rooms {@code general} and {@code random} are open to everyone; {@code private-user-<uuid>} only to
 * the user with that uuid (403 for others); any other topic does not exist (404).
 */
@ApplicationScoped
public class ChatTopicAuthorizer implements TopicAuthorizer<ChatUser> {

    static final String PRIVATE_PREFIX = "private-user-";

    @Override
    public CompletionStage<TopicAccess> authorize(ChatUser user, String topic) {
        return CompletableFuture.completedFuture(access(user, topic));
    }

    private static TopicAccess access(ChatUser user, String topic) {
        if (topic.equals("general") || topic.equals("random")) {
            return TopicAccess.ALLOWED;
        }
        if (topic.startsWith(PRIVATE_PREFIX)) {
            String owner = topic.substring(PRIVATE_PREFIX.length());
            if (owner.equals(user.id().toString())) {
                return TopicAccess.ALLOWED;
            }
            if (isUuid(owner)) {
                return TopicAccess.FORBIDDEN;
            }
        }
        return TopicAccess.NOT_FOUND;
    }

    private static boolean isUuid(String text) {
        try {
            return UUID.fromString(text).toString().equalsIgnoreCase(text);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
