package dev.realtimekit.it.support;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The sample chat's REST API as a client calls it: {@code POST <base>api/rooms/{room}/announcements}. */
public final class ChatApiClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WsClient.TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1).build();

    private ChatApiClient() {
    }

    /** @return the announcements URI of a room in the deployment at {@code base} (e.g. http://host:port/chat/) */
    public static URI announcements(URL base, String room) {
        String root = base.toExternalForm().endsWith("/") ? base.toExternalForm() : base.toExternalForm() + "/";
        return URI.create(root + "api/rooms/" + URLEncoder.encode(room, StandardCharsets.UTF_8) + "/announcements");
    }

    /** Announces {@code text} (a JSON string's content, unescaped characters only) with a Bearer token. */
    public static HttpResponse<String> announce(URL base, String room, String token, String text) throws Exception {
        return post(announcements(base, room), "Bearer " + token, "application/json", "{\"text\":\"" + text + "\"}");
    }

    /**
     * @param authorization the Authorization header, or null for none
     * @param contentType the Content-Type header, or null for none
     */
    public static HttpResponse<String> post(URI uri, String authorization, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(WsClient.TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** @return the answer to another method on that URI, e.g. GET */
    public static HttpResponse<String> request(URI uri, String method) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(WsClient.TIMEOUT).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}
