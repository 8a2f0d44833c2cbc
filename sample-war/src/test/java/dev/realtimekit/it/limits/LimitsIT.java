package dev.realtimekit.it.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.lifecycle.AnyTokenValidator;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.StalledClient;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.Poll;

/**
 * The kit's limits on a real Liberty, with small values: origins, connections per node and per user,
 * message rate, handler time, and clients that vanish without a close.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LimitsIT {

    private static final String APP_ORIGIN = "https://app.example.com";
    private static final Map<String, String> FROM_APP = Map.of("Origin", APP_ORIGIN);
    private static final int RATE = 20;
    private static final Duration SETTLE = Duration.ofSeconds(20);

    @Deployment(testable = false)
    static WebArchive deployment() {
        String config = """
                realtime.allowed-origins=%s
                realtime.require-origin=true
                realtime.rate-limit-per-second=%d
                realtime.rate-limit-burst=%d
                realtime.handler-timeout-ms=500
                realtime.ping-interval-ms=500
                realtime.max-connections=6
                realtime.max-connections-per-user=2
                """.formatted(APP_ORIGIN, RATE, RATE);
        return Deployments.kit("limits.war", LimitsHandler.class, Command.class, AnyTokenValidator.class,
                LimitsStatsServlet.class).addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties");
    }

    @ArquillianResource
    URL base;

    /** Every test leaves the node as it found it: no connection, and an onDisconnect for every onConnect. */
    @AfterEach
    void nothingLeftBehind() throws Exception {
        Poll.until(true, () -> {
            Map<String, Integer> stats = stats();
            return stats.get("open") == 0 && stats.get("subscribers") == 0
                    && stats.get("connects").equals(stats.get("disconnects"));
        }, SETTLE);
    }

    @Test
    void onlyListedOriginsMayConnectAndAnOriginIsRequired() throws Exception {
        URI uri = uri("room", "alice");
        assertEquals(403, WsClient.refusal(uri, Map.of()).statusCode(), "no Origin, with realtime.require-origin");
        assertEquals(403, WsClient.refusal(uri, Map.of("Origin", "http://" + base.getHost() + ":" + base.getPort())).statusCode(),
                "the server's own origin is not implied by a list");
        assertEquals(403, WsClient.refusal(uri, Map.of("Origin", "http://app.example.com")).statusCode(), "another scheme");
        try (WsClient listed = WsClient.connect(uri, FROM_APP)) {
            listed.send(ping("hello"));
            listed.expect(pong("hello"));
        }
    }

    @Test
    void aUserBeyondItsLimitGets429AndAFullNodeGets503WithRetryAfter() throws Exception {
        List<WsClient> clients = new ArrayList<>();
        try {
            clients.add(connect("room", "alice"));
            clients.add(connect("room", "alice"));
            assertEquals(429, WsClient.refusal(uri("room", "alice"), FROM_APP).statusCode(), "alice's third connection");
            for (int i = 0; i < 4; i++) {
                clients.add(connect("room", "user-" + i));
            }
            var refused = WsClient.refusal(uri("room", "zoe"), FROM_APP);
            assertEquals(503, refused.statusCode(), "the node's seventh connection");
            assertEquals("5", refused.headers().firstValue("Retry-After").orElse(null));

            clients.remove(0).close();
            Poll.until(5, () -> stats().get("open"), SETTLE);
            clients.add(connect("room", "zoe"));
        } finally {
            for (WsClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aFloodGetsErrorFramesThenIsClosedWith1008WhileOthersAreServedPromptly() throws Exception {
        try (WsClient flooder = connect("room", "flooder"); WsClient calm = connect("room", "calm")) {
            AtomicInteger sent = new AtomicInteger();
            CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < 10 * RATE; i++) {
                        flooder.send(ping("f" + i));
                        sent.incrementAndGet();
                    }
                } catch (Exception closed) {
                    // The server closed the flooder: the sends after that fail.
                }
            });
            for (int i = 0; i < 5; i++) {
                calm.send(ping("c" + i));
                assertTrue(calm.awaitFrame(pong("c" + i), Duration.ofSeconds(1)), "calm's ping " + i + " answered within 1 s");
            }
            assertEquals(1008, flooder.awaitCloseCode(), "the flooder is closed once it is its burst in debt");
            flood.get(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<String> received = flooder.nextUpTo(10 * RATE, Duration.ofMillis(200));
            long limited = received.stream().filter(frame -> frame.equals(error("Rate limit exceeded"))).count();
            long answered = received.stream().filter(frame -> frame.startsWith("{\"action\":\"pong\"")).count();
            // The close may overtake the answers to the accepted messages, which are still being handled.
            assertTrue(limited >= 1, "error frames before the close: " + received);
            assertEquals(received.size(), limited + answered, "nothing but answers and refusals: " + received);
            assertTrue(answered <= 2 * RATE, "at most the burst (and what refilled meanwhile) was handled: " + received);
        }
    }

    @Test
    void aHandlerThatNeverCompletesGetsAnErrorFrameAndTheNextMessageIsHandled() throws Exception {
        try (WsClient alice = connect("room", "alice")) {
            alice.send("{\"action\":\"hang\",\"text\":\"forever\"}");
            alice.send(ping("after"));
            alice.expect(error("Handler timed out"));
            alice.expect(pong("after"));
        }
    }

    @Test
    void aClientThatStopsAnsweringPingsIsClosedAndItsOnDisconnectRuns() throws Exception {
        int disconnects = stats().get("disconnects");
        try (StalledClient gone = StalledClient.connect(uri("room", "tunnel"), FROM_APP)) {
            Poll.until(1, () -> stats().get("open"), SETTLE);
            // It reads nothing and so answers no ping: within two intervals (1 s) it is closed.
            StalledClient.Ending ending = gone.readUntilClosed(Duration.ofSeconds(20));
            assertEquals(1001, ending.closeCode(), ending.toString());
        }
        Poll.until(disconnects + 1, () -> stats().get("disconnects"), SETTLE);
    }

    @Test
    void aClientThatAnswersPingsStaysConnectedThroughManyIntervals() throws Exception {
        try (WsClient alice = connect("room", "alice")) {
            assertTrue(alice.awaitPings(6, Duration.ofSeconds(20)), "pinged every 500 ms: " + alice.pings());
            alice.send(ping("still here"));
            alice.expect(pong("still here"));
        }
    }

    @Test
    void aClientThatDropsRightAfterThe101LeavesNothingBehind() throws Exception {
        for (int i = 0; i < 5; i++) {
            // One user each: the per-user limit (2 here) would otherwise count a dropped connection until
            // the server has processed its close, which the next handshake may overtake (429).
            StalledClient.connect(uri("room", "dropper-" + i), FROM_APP).close();
        }
        // The @AfterEach check: no connection, no subscriber, every onConnect paired with an onDisconnect.
    }

    /** The token is the user id ({@link AnyTokenValidator}). */
    private URI uri(String topic, String user) {
        return WsClient.uri(base, topic, user);
    }

    private WsClient connect(String topic, String user) throws Exception {
        return WsClient.connect(uri(topic, user), FROM_APP);
    }

    private Map<String, Integer> stats() throws Exception {
        String body = WsClient.get(URI.create(base.toExternalForm().replaceAll("/?$", "/") + "limits-stats")).body();
        Map<String, Integer> stats = new java.util.HashMap<>();
        for (String pair : body.trim().split(" ")) {
            String[] kv = pair.split("=");
            stats.put(kv[0], Integer.parseInt(kv[1]));
        }
        return stats;
    }

    private static String ping(String text) {
        return "{\"action\":\"ping\",\"text\":\"" + text + "\"}";
    }

    private static String pong(String text) {
        return "{\"action\":\"pong\",\"text\":\"" + text + "\"}";
    }

    private static String error(String message) {
        return "{\"type\":\"error\",\"message\":\"" + message + "\"}";
    }
}
