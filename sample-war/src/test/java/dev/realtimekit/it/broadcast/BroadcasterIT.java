package dev.realtimekit.it.broadcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.lifecycle.AnyTokenValidator;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.Poll;

/**
 * The application's own publishing on a real Liberty: the injected Broadcaster from a servlet (to a
 * topic, a topic but one connection, a user, a connection), events that skip their sender, and the
 * lifecycle as CDI events.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BroadcasterIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.kit("broadcast.war", BroadcastHandler.class, Note.class, Joined.class, AnyTokenValidator.class,
                PushServlet.class, LifecycleObserver.class, EventsServlet.class, SecretTopicAuthorizer.class,
                CoalescerServlet.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void aPublishFromTheApplicationReachesTheTopicsSubscribersAndNobodyElse() throws Exception {
        String room = "room-" + UUID.randomUUID();
        try (WsClient alice = WsClient.connect(base, room, "alice"); WsClient bob = WsClient.connect(base, room, "bob");
                WsClient carol = WsClient.connect(base, "elsewhere", "carol")) {
            assertEquals(202, push("topic", room, "hello", null));

            alice.expect(pushed("hello"));
            bob.expect(pushed("hello"));
            carol.expectNothingBeforePong();
        }
    }

    @Test
    void aPublishExcludingAConnectionSkipsOnlyThatOne() throws Exception {
        String room = "room-" + UUID.randomUUID();
        try (WsClient alice = WsClient.connect(base, room, "alice"); WsClient bob = WsClient.connect(base, room, "bob")) {
            assertEquals(202, push("topic-excluding", room, "not for alice", idOf(alice)));

            bob.expect(pushed("not for alice"));
            alice.expectNothingBeforePong();
        }
    }

    @Test
    void aFrameForAUserReachesAllItsConnectionsOnAnyTopicAndNobodyElse() throws Exception {
        String user = "user-" + UUID.randomUUID();
        try (WsClient first = WsClient.connect(base, "room-a", user); WsClient second = WsClient.connect(base, "room-b", user);
                WsClient other = WsClient.connect(base, "room-a", "someone-else")) {
            assertEquals(202, push("user", user, "just you", null));

            first.expect(pushed("just you"));
            second.expect(pushed("just you"));
            other.expectNothingBeforePong();
        }
    }

    @Test
    void aFrameForAConnectionReachesThatConnectionOnly() throws Exception {
        try (WsClient first = WsClient.connect(base, "room-a", "alice"); WsClient second = WsClient.connect(base, "room-a", "alice")) {
            assertEquals(202, push("connection", idOf(second), "the second", null));

            second.expect(pushed("the second"));
            first.expectNothingBeforePong();
        }
    }

    @Test
    void anEventThatExcludesItsSenderAndBroadcastToOthersSkipTheSender() throws Exception {
        String room = "room-" + UUID.randomUUID();
        try (WsClient alice = WsClient.connect(base, room, "alice"); WsClient bob = WsClient.connect(base, room, "bob")) {
            alice.send("{\"action\":\"join\",\"text\":\"\"}");
            bob.expect("{\"joined\":\"alice\"}");
            alice.send("{\"action\":\"others\",\"text\":\"psst\"}");
            alice.expect("{\"action\":\"sent\",\"text\":\"psst\"}");
            bob.expect("{\"action\":\"from-other\",\"text\":\"psst\"}");
            alice.expectNothingBeforePong();
        }
    }

    @Test
    void aPublishToAnInvalidTopicFailsAndNothingIsDelivered() throws Exception {
        assertEquals(500, push("topic", " ", "blank", null));
    }

    @Test
    void theLifecycleIsObservedOnceForEachConnectionSynchronouslyAndAsynchronously() throws Exception {
        String user = "watched-" + UUID.randomUUID();
        try (WsClient client = WsClient.connect(base, "room-l", user)) {
            client.expectNothingBeforePong();
        }
        List<String> expected = List.of("sync opened " + user + " room-l", "sync subscribed " + user + " room-l",
                "sync unsubscribed " + user + " room-l", "sync closed " + user + " room-l",
                "async opened " + user + " room-l", "async closed " + user + " room-l");
        Poll.until(expected.size(), () -> eventsOf(user).size(), Duration.ofSeconds(20));
        List<String> seen = eventsOf(user);
        assertTrue(seen.containsAll(expected), seen.toString());
        assertEquals(expected.subList(0, 4), seen.stream().filter(line -> line.startsWith("sync ")).toList(),
                "synchronous observers in lifecycle order");
    }

    @Test
    void aConnectionFollowsASecondTopicWithASubscribeFrameUntilItUnsubscribes() throws Exception {
        String second = "second-" + UUID.randomUUID();
        try (WsClient alice = WsClient.connect(base, "room-s", "alice"); WsClient bob = WsClient.connect(base, second, "bob")) {
            alice.send("{\"type\":\"subscribe\",\"topic\":\"" + second + "\"}");
            alice.expect("{\"type\":\"subscribed\",\"topic\":\"" + second + "\"}");
            bob.send("{\"action\":\"say\",\"text\":\"hi\"}");
            bob.expect("{\"action\":\"say\",\"text\":\"hi\"}");
            alice.expect("{\"type\":\"event\",\"topic\":\"" + second + "\",\"event\":{\"action\":\"say\",\"text\":\"hi\"}}");

            alice.send("{\"type\":\"unsubscribe\",\"topic\":\"" + second + "\"}");
            alice.expect("{\"type\":\"unsubscribed\",\"topic\":\"" + second + "\"}");
            bob.send("{\"action\":\"say\",\"text\":\"gone\"}");
            bob.expect("{\"action\":\"say\",\"text\":\"gone\"}");
            alice.expectNothingBeforePong();
        }
    }

    @Test
    void aSubscribeTheAuthorizerRefusesIsAnErrorFrameAndDeliversNothing() throws Exception {
        try (WsClient alice = WsClient.connect(base, "room-s", "alice"); WsClient spy = WsClient.connect(base, "room-s", "spy")) {
            spy.send("{\"type\":\"subscribe\",\"topic\":\"secret-plans\"}");
            spy.expect("{\"type\":\"error\",\"message\":\"Forbidden\",\"topic\":\"secret-plans\",\"status\":403}");
            assertEquals(202, push("topic", "secret-plans", "classified", null), "the application itself may publish to it");
            spy.expectNothingBeforePong();
        }
    }

    @Test
    void theKitsCoalescerIsInjectableAndRunsConcurrentCallersOfAKeyOnce() throws Exception {
        String body = WsClient.get(URI.create(base.toExternalForm().replaceAll("/?$", "/") + "coalesce")).body();
        assertEquals("runs=1 results=loaded-1,loaded-1,loaded-1,loaded-1,loaded-1 initiated=1 coalesced=4 pending=0", body);
    }

    private List<String> eventsOf(String user) throws Exception {
        String body = WsClient.get(URI.create(base.toExternalForm().replaceAll("/?$", "/") + "events")).body();
        return Arrays.stream(body.split("\n")).filter(line -> line.contains(" " + user + " ")).toList();
    }

    /** @return the connection's id, as its handler sees it */
    private static String idOf(WsClient client) throws Exception {
        client.send("{\"action\":\"whoami\",\"text\":\"\"}");
        String reply = client.next();
        assertTrue(reply.startsWith("{\"action\":\"id\",\"text\":\""), reply);
        return reply.substring("{\"action\":\"id\",\"text\":\"".length(), reply.length() - 2);
    }

    private int push(String to, String target, String text, String excluding) throws Exception {
        String query = "to=" + to + "&target=" + encode(target) + "&text=" + encode(text)
                + (excluding == null ? "" : "&excluding=" + encode(excluding));
        URI uri = URI.create(base.toExternalForm().replaceAll("/?$", "/") + "push?" + query);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(WsClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String pushed(String text) {
        return "{\"action\":\"pushed\",\"text\":\"" + text + "\"}";
    }
}
