package dev.realtimekit.examples.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example WAR, exactly as Maven packaged it from the README's snippet, deployed on a real Open
 * Liberty (server counterTestServer, the example's server.xml) and driven by JDK WebSocket clients.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CounterIT {

    private static final String INCREMENT = "{\"type\":\"increment\"}";
    private static final String GET = "{\"type\":\"get\"}";

    /**
     * Deployed under Maven's file name (counter-0.1.0-SNAPSHOT.war) into dropins: the context root
     * /counter must come from WEB-INF/ibm-web-ext.xml, not from the file name.
     */
    @Deployment(testable = false)
    static WebArchive deployment() {
        File war = new File(System.getProperty("counter.war"));
        if (!war.isFile()) {
            throw new IllegalStateException("The example WAR " + war + " is missing: run mvn verify (it is built in the package phase)");
        }
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    @ArquillianResource
    URL base;

    private URI endpoint(String topic, String token) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/counter/ws/"
                + URLEncoder.encode(topic, StandardCharsets.UTF_8)
                + (token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
    }

    private Client connect(String topic, String name) throws Exception {
        return new Client(endpoint(topic, name));
    }

    /** A topic no other test uses, so every counter starts at 0. */
    private static String freshTopic() {
        return "clicks-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String count(String topic, long value) {
        return "{\"type\":\"count\",\"topic\":\"" + topic + "\",\"value\":" + value + "}";
    }

    @Test
    void everySubscriberOfTheTopicGetsEachNewValueAndOtherTopicsDoNot() throws Exception {
        String topic = freshTopic();
        String other = freshTopic();
        try (Client alice = connect(topic, "alice"); Client bob = connect(topic, "bob");
                Client carol = connect(other, "carol")) {
            // A client is sent the counter's value as soon as it connects.
            assertEquals(count(topic, 0), alice.next());
            assertEquals(count(topic, 0), bob.next());
            assertEquals(count(other, 0), carol.next());

            for (int i = 1; i <= 3; i++) {
                alice.send(INCREMENT);
            }
            for (int i = 1; i <= 3; i++) {
                assertEquals(count(topic, i), alice.next());
                assertEquals(count(topic, i), bob.next());
            }
            // Carol's next frame is the answer to her own get: nothing of the other topic reached her.
            carol.send(GET);
            assertEquals(count(other, 0), carol.next());
        }
    }

    @Test
    void getIsAnsweredToTheSenderOnly() throws Exception {
        String topic = freshTopic();
        try (Client alice = connect(topic, "alice"); Client bob = connect(topic, "bob")) {
            assertEquals(count(topic, 0), alice.next());
            assertEquals(count(topic, 0), bob.next());
            bob.send(INCREMENT);
            assertEquals(count(topic, 1), alice.next());
            assertEquals(count(topic, 1), bob.next());
            bob.send(GET);
            assertEquals(count(topic, 1), bob.next());
            // Alice's next frame is the increment that follows, not Bob's answer.
            bob.send(INCREMENT);
            assertEquals(count(topic, 2), alice.next());
            assertEquals(count(topic, 2), bob.next());
        }
    }

    @Test
    void concurrentIncrementsAreAllCountedAndEverySubscriberSeesEachValueOnce() throws Exception {
        String topic = freshTopic();
        int clients = 4;
        int each = 25;
        int total = clients * each;
        List<Client> connected = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(clients);
        try {
            for (int i = 0; i < clients; i++) {
                Client client = connect(topic, "user-" + i);
                connected.add(client);
                assertEquals(count(topic, 0), client.next());
            }
            List<Future<?>> sent = new ArrayList<>();
            for (Client client : connected) {
                sent.add(senders.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        client.send(INCREMENT);
                    }
                    return null;
                }));
            }
            for (Future<?> future : sent) {
                future.get();
            }
            // Increments from different connections may be broadcast out of order, but every value
            // from 1 to the total reaches every subscriber exactly once.
            for (Client client : connected) {
                boolean[] seen = new boolean[total + 1];
                for (int i = 0; i < total; i++) {
                    String frame = client.next();
                    String prefix = "{\"type\":\"count\",\"topic\":\"" + topic + "\",\"value\":";
                    assertTrue(frame.startsWith(prefix) && frame.endsWith("}"), frame);
                    int value = Integer.parseInt(frame.substring(prefix.length(), frame.length() - 1));
                    assertTrue(value >= 1 && value <= total && !seen[value], "value " + value + " out of range or twice");
                    seen[value] = true;
                }
                client.send(GET);
                assertEquals(count(topic, total), client.next());
            }
        } finally {
            senders.shutdownNow();
            for (Client client : connected) {
                client.close();
            }
        }
    }

    @Test
    void aHandshakeWithoutAValidTokenIsRefusedWith401() throws Exception {
        assertEquals(401, refusedStatus(endpoint("clicks", null)));
        assertEquals(401, refusedStatus(endpoint("clicks", " ")));
    }

    @Test
    void aMessageTheHandlerDoesNotKnowGetsAnErrorFrameAndTheConnectionStaysOpen() throws Exception {
        String topic = freshTopic();
        try (Client alice = connect(topic, "alice")) {
            assertEquals(count(topic, 0), alice.next());
            alice.send("{\"type\":\"reset\"}");
            assertEquals("{\"type\":\"error\",\"message\":\"Invalid message format\"}", alice.next());
            alice.send(INCREMENT);
            assertEquals(count(topic, 1), alice.next());
        }
    }

    @Test
    void theDashboardPageIsServedAtTheContextRoot() throws Exception {
        HttpResponse<String> page = Client.HTTP.send(HttpRequest.newBuilder(
                URI.create("http://" + base.getHost() + ":" + base.getPort() + "/counter/")).timeout(Client.TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>Live counter</title>"), page.body());
    }

    private static int refusedStatus(URI uri) throws Exception {
        try {
            new Client(uri).close();
            return fail("The handshake to " + uri + " was accepted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }
}
