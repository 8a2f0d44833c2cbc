package dev.realtimekit.it.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.testsupport.Poll;
import dev.realtimekit.it.support.WsClient;

/** onConnect/onDisconnect pairing and registry cleanup, with a recording handler on a real Liberty. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LifecycleIT {

    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final LifecycleEvents EVENTS = new LifecycleEvents();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return EVENTS.deployment("lifecycle.war");
    }

    @ArquillianResource
    URL base;

    @Test
    void aClosedConnectionGetsOnConnectAndOnDisconnectOnceEach() throws Exception {
        String user = "closer-" + UUID.randomUUID();
        try (WsClient client = WsClient.connect(base, "room", user)) {
            client.send("{\"text\":\"hi\"}");
            client.expect("{\"text\":\"hi\"}");
            assertEquals(1, EVENTS.count("connect", user));
        }
        Poll.until(1L, () -> EVENTS.count("disconnect", user), SETTLE);
        assertSettled();
        assertEquals(1, EVENTS.count("connect", user));
        assertEquals(1, EVENTS.count("disconnect", user));
    }

    @Test
    void aDroppedConnectionGetsOnDisconnectOnce() throws Exception {
        String user = "dropper-" + UUID.randomUUID();
        WsClient client = WsClient.connect(base, "room", user);
        client.send("{\"text\":\"hi\"}");
        client.expect("{\"text\":\"hi\"}");
        client.abort();
        Poll.until(1L, () -> EVENTS.count("disconnect", user), SETTLE);
        assertSettled();
        assertEquals(1, EVENTS.count("connect", user));
        assertEquals(1, EVENTS.count("disconnect", user));
    }

    @Test
    void rapidConnectDisconnectCyclesLeaveNothingBehind() throws Exception {
        String prefix = "cycler-" + UUID.randomUUID() + "-";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> cycles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                cycles.add(pool.submit(() -> {
                    WsClient client = WsClient.connect(base, "topic-" + (n % 10), prefix + n);
                    switch (n % 3) {
                        case 0 -> client.close();
                        case 1 -> client.abort();
                        default -> {
                            client.send("{\"text\":\"" + n + "\"}");
                            client.close();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> cycle : cycles) {
                cycle.get(WsClient.TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertSettled();
        Map<String, Long> connects = EVENTS.perConnection("connect");
        Map<String, Long> disconnects = EVENTS.perConnection("disconnect");
        assertEquals(connects.keySet(), disconnects.keySet(), "every connected connection was disconnected");
        assertTrue(connects.values().stream().allMatch(n -> n == 1), "onConnect more than once: " + connects);
        assertTrue(disconnects.values().stream().allMatch(n -> n == 1), "onDisconnect more than once: " + disconnects);
        long cyclersConnected = EVENTS.lines().stream().filter(line -> line.startsWith("connect ") && line.contains(prefix)).count();
        assertTrue(cyclersConnected > 0, "no cycle reached onConnect");
    }

    /** Waits until no subscriber, topic or connection is left on the server. */
    private void assertSettled() throws Exception {
        Poll.until("subscribers=0 topics=0 open=0", this::stats, SETTLE);
    }

    private String stats() throws Exception {
        return WsClient.get(URI.create(base.toExternalForm().replaceAll("/?$", "/") + "stats")).body();
    }
}
