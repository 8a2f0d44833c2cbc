package dev.realtimekit.it.chat;

import static dev.realtimekit.it.support.ChatFrames.NOTICES;
import static dev.realtimekit.it.support.ChatFrames.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.ChatApiClient;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.ErrorBodies;
import dev.realtimekit.it.support.WsClient;

/**
 * The sample's REST announcements on one node, against the packaged WAR:
 * {@code POST /chat/api/rooms/{room}/announcements} reaches the room's WebSocket clients as a message
 * from "system" and nobody else; refused requests (401, 404, 403, 400) deliver nothing and answer a
 * short plain body. Cross-node delivery is in ClusterIT.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AnnouncementsIT {

    /** How long a client must stay silent after a refused request, before the marker proves the channel live. */
    private static final Duration QUIET = Duration.ofMillis(300);

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.sample();
    }

    @ArquillianResource
    URL base;

    private static String token(String name) {
        return UUID.randomUUID() + ":" + name;
    }

    /** A client for a test about announcements: join and leave notices are beside the point here. */
    private WsClient join(String topic, String name) throws Exception {
        return WsClient.connect(base, topic, token(name)).ignoring(NOTICES);
    }

    private HttpResponse<String> post(String room, String authorization, String body) throws Exception {
        return ChatApiClient.post(ChatApiClient.announcements(base, room), authorization, "application/json", body);
    }

    /** Nothing arrives for a while, then the marker announcement is the very next frame on every client. */
    private void assertNothingBeforeAMarker(String room, WsClient... clients) throws Exception {
        for (WsClient client : clients) {
            assertNull(client.nextWithin(QUIET), "nothing delivered");
        }
        String marker = "marker-" + UUID.randomUUID();
        assertEquals(202, ChatApiClient.announce(base, room, token("admin"), marker).statusCode());
        for (WsClient client : clients) {
            client.expect(message(room, "system", marker));
        }
    }

    private static void assertRefusal(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.request() + " answered " + response.body());
        ErrorBodies.assertShortPlainBody(response.body(), "the " + status + " answer");
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), response.headers().toString());
    }

    @Test
    void anAnnouncementReachesEveryoneInTheRoomAsSystemAndNobodyElse() throws Exception {
        try (WsClient alice = join("general", "alice"); WsClient bob = join("general", "bob");
                WsClient carol = join("random", "carol")) {
            HttpResponse<String> accepted = ChatApiClient.announce(base, "general", token("admin"), "Maintenance at noon");
            assertEquals(202, accepted.statusCode(), accepted.body());
            String expected = "{\"type\":\"message\",\"room\":\"general\",\"user\":\"system\",\"text\":\"Maintenance at noon\"}";
            alice.expect(expected);
            bob.expect(expected);
            carol.expectNothingBeforePong();
            alice.expectNothingBeforePong();
            bob.expectNothingBeforePong();
        }
    }

    @Test
    void anEmptyTextAndAnyCharactersAreAnnouncedAsGiven() throws Exception {
        try (WsClient alice = join("random", "alice")) {
            assertEquals(202, post("random", "Bearer " + token("admin"), "{\"text\":\"\"}").statusCode());
            alice.expect(message("random", "system", ""));
            assertEquals(202, post("random", "bearer " + token("admin"), "{\"text\":\"say \\\"hi\\\" \\u00e9\\u2603\",\"extra\":1}").statusCode());
            alice.expect(message("random", "system", "say \\\"hi\\\" é☃"));
        }
    }

    @Test
    void theOwnerMayAnnounceInTheirPrivateRoomAndNobodyElseMay() throws Exception {
        String owner = UUID.randomUUID().toString();
        String room = "private-user-" + owner;
        try (WsClient own = WsClient.connect(base, room, owner + ":owner").ignoring(NOTICES)) {
            assertRefusal(403, post(room, "Bearer " + token("mallory"), "{\"text\":\"not yours\"}"));
            assertNull(own.nextWithin(QUIET), "nothing delivered after the 403");
            assertEquals(202, post(room, "Bearer " + owner + ":owner", "{\"text\":\"mine\"}").statusCode());
            assertEquals(message(room, "system", "mine"), own.next(), "the owner's announcement is the first frame");
        }
    }

    @Test
    void withoutAValidBearerTokenTheAnswerIs401AndNothingIsDelivered() throws Exception {
        try (WsClient alice = join("general", "alice")) {
            String body = "{\"text\":\"sneaky\"}";
            for (String authorization : new String[] {null, "", "Bearer", "Bearer ", "Basic " + token("alice"), "Bearer not-a-token",
                    "Bearer " + UUID.randomUUID() + ":", "Bearer nope:alice", token("alice")}) {
                HttpResponse<String> refused = post("general", authorization, body);
                assertEquals(401, refused.statusCode(), "Authorization: " + authorization);
                assertRefusal(401, refused);
                assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                        "challenge for " + authorization + ": " + refused.headers());
            }
            // An unknown room is not revealed to a caller without a valid token.
            assertRefusal(401, post("lobby", null, body));
            assertNothingBeforeAMarker("general", alice);
        }
    }

    @Test
    void anUnknownRoomIs404AndDeliversNothing() throws Exception {
        try (WsClient alice = join("general", "alice")) {
            for (String room : new String[] {"lobby", "General", "private-user-not-a-uuid", "private-user-"}) {
                assertRefusal(404, post(room, "Bearer " + token("admin"), "{\"text\":\"anyone?\"}"));
            }
            assertNothingBeforeAMarker("general", alice);
        }
    }

    @Test
    void aBodyThatIsNoJsonObjectWithAStringTextIs400AndDeliversNothing() throws Exception {
        try (WsClient alice = join("general", "alice")) {
            for (String body : new String[] {"", "not json", "{\"text\":", "{\"text\":\"unterminated}", "[\"text\"]", "\"text\"", "{}",
                    "{\"message\":\"hi\"}", "{\"text\":null}", "{\"text\":42}", "{\"text\":[\"a\"]}", "{\"text\":{\"a\":1}}",
                    "{\"text\":\"a\"} trailing", "[".repeat(10_000)}) {
                HttpResponse<String> refused = post("general", "Bearer " + token("admin"), body);
                assertEquals(400, refused.statusCode(), "body " + body.substring(0, Math.min(40, body.length())));
                assertRefusal(400, refused);
            }
            assertNothingBeforeAMarker("general", alice);
        }
    }

    @Test
    void whatJakartaRestAnswersByItselfIsPlainToo() throws Exception {
        URI announcements = ChatApiClient.announcements(base, "general");
        String authorization = "Bearer " + token("admin");
        assertRefusal(415, ChatApiClient.post(announcements, authorization, "text/plain", "{\"text\":\"hi\"}"));
        assertRefusal(415, ChatApiClient.post(announcements, authorization, null, "{\"text\":\"hi\"}"));
        HttpResponse<String> get = ChatApiClient.request(announcements, "GET");
        assertRefusal(405, get);
        assertTrue(get.headers().firstValue("Allow").orElse("").contains("POST"), get.headers().toString());
        assertRefusal(404, ChatApiClient.post(URI.create(base + "api/rooms/general"), authorization, "application/json", "{}"));
        assertRefusal(404, ChatApiClient.request(URI.create(base + "api/nothing-here"), "GET"));
    }

    @Test
    void theWebSocketEndpointAndThePageStillAnswerBesideTheApi() throws Exception {
        try (WsClient alice = join("general", "alice")) {
            alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"still here\"}");
            alice.expect(message("general", "alice", "still here"));
        }
        assertEquals(200, WsClient.get(base.toURI()).statusCode());
    }
}
