package dev.realtimekit.sample.api;

import java.io.StringReader;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.stream.JsonParser;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.realtimekit.Broadcaster;
import dev.realtimekit.HandlerException;
import dev.realtimekit.TopicAccess;
import dev.realtimekit.sample.ChatTokenValidator;
import dev.realtimekit.sample.ChatTopicAuthorizer;
import dev.realtimekit.sample.ChatUser;
import dev.realtimekit.sample.ServerEvent;

/**
 * {@code POST /chat/api/rooms/{room}/announcements} with {@code {"text":"..."}}: a message from
 * {@code "system"} to everyone in the room, on every node, through the {@link Broadcaster}.
 *
 * <p>Checked as a WebSocket handshake is, by the same beans: the {@code Authorization: Bearer} token
 * by {@link ChatTokenValidator} (none or rejected: 401 with {@code WWW-Authenticate: Bearer}), the room
 * by {@link ChatTopicAuthorizer} (404, 403); then the body (not a JSON object with a string
 * {@code text}: 400). 202 once the bus took the announcement, 503 when it could not (Redis down or too
 * slow). Every answer but 202 is a plain-text reason phrase.
 */
@ApplicationScoped
@Path("/rooms/{room}/announcements")
public class AnnouncementsResource {

    private static final Logger LOG = Logger.getLogger(AnnouncementsResource.class.getName());
    private static final String BEARER = "bearer ";
    static final String SYSTEM_USER = "system";

    @Inject
    ChatTokenValidator tokens;

    @Inject
    ChatTopicAuthorizer rooms;

    @Inject
    Broadcaster broadcaster;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> announce(@PathParam("room") String room,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        String token = bearerToken(authorization);
        if (token == null) {
            return CompletableFuture.completedFuture(PlainErrors.status(401));
        }
        return call(() -> tokens.validate(token)).handle((user, failure) -> {
            if (failure != null || user == null) {
                return CompletableFuture.completedFuture(PlainErrors.status(statusOf(failure, 401)));
            }
            return announceAs(user, room, body);
        }).thenCompose(stage -> stage);
    }

    private CompletionStage<Response> announceAs(ChatUser user, String room, String body) {
        return call(() -> rooms.authorize(user, room)).handle((access, failure) -> {
            if (failure != null || access == null) {
                int status = statusOf(failure, 500);
                if (status >= 500) {
                    LOG.log(Level.WARNING, "The room check failed", failure);
                }
                return CompletableFuture.completedFuture(PlainErrors.status(status));
            }
            if (access != TopicAccess.ALLOWED) {
                return CompletableFuture.completedFuture(PlainErrors.status(access.httpStatus()));
            }
            String text = text(body);
            if (text == null) {
                return CompletableFuture.completedFuture(PlainErrors.status(400));
            }
            return call(() -> broadcaster.publish(room, new ServerEvent.Message(room, SYSTEM_USER, text)))
                    .handle((done, publishFailure) -> {
                        if (publishFailure != null) {
                            LOG.log(Level.FINE, publishFailure, () -> "Could not publish an announcement on " + room);
                            return PlainErrors.status(503);
                        }
                        return Response.accepted().build();
                    });
        }).thenCompose(stage -> stage);
    }

    /** @return the token of an {@code Authorization: Bearer <token>} header, or null for none, another scheme or an empty token */
    static String bearerToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    /** @return the string {@code text} of a body that is one JSON object and nothing after it, or null for anything else */
    static String text(String body) {
        if (body == null) {
            return null;
        }
        try (JsonParser parser = Json.createParser(new StringReader(body))) {
            if (!parser.hasNext() || parser.next() != JsonParser.Event.START_OBJECT) {
                return null;
            }
            JsonObject object = parser.getObject();
            if (parser.hasNext()) {
                return null; // a second value, or garbage, after the object
            }
            return object.get("text") instanceof JsonString text ? text.getString() : null;
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            return null;
        }
    }

    /** A bean's stage; one that throws or answers null gives a failed stage instead. */
    private static <T> CompletionStage<T> call(Supplier<CompletionStage<T>> bean) {
        try {
            CompletionStage<T> stage = bean.get();
            return stage != null ? stage : CompletableFuture.failedFuture(new NullPointerException("null stage"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** As at the handshake: a {@link HandlerException}'s status, else {@code otherwise}. */
    private static int statusOf(Throwable failure, int otherwise) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof HandlerException handlerException ? handlerException.status() : otherwise;
    }
}
