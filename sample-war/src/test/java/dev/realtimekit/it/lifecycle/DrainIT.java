package dev.realtimekit.it.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.HealthEndpoint;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.Poll;

/**
 * The operator's drain through JMX, as jconsole would do it over Liberty's local connector: readiness
 * DOWN at once, then every client closed with 1012 in batches spread over the window, onDisconnect
 * for each, and new handshakes refused with 503 and Retry-After.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DrainIT {

    private static final long WINDOW_MS = 6_000;
    private static final int CLIENTS = 20;
    private static final LifecycleEvents EVENTS = new LifecycleEvents();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return EVENTS.deployment("drain.war", "realtime.drain-window-ms=" + WINDOW_MS + "\n");
    }

    @Test
    void jmxDrainTakesReadinessDownThenClosesEveryClientWith1012SpreadOverTheWindow() throws Exception {
        URL base = URI.create("http://localhost:" + System.getProperty("it.http.port") + "/drain/").toURL();
        DrainClients drained = DrainClients.connect(base, "drained-", CLIENTS);
        assertTrue(HealthEndpoint.ready().up(), "ready before the drain");
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(localConnectorAddress()))) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName("dev.realtimekit:type=Drain,name=/drain");
            assertEquals(Boolean.FALSE, server.getAttribute(name, "Draining"));
            assertEquals(CLIENTS, server.getAttribute(name, "OpenConnections"));
            assertEquals(WINDOW_MS, server.getAttribute(name, "DrainWindowMs"));

            long start = System.nanoTime();
            server.invoke(name, "drain", new Object[0], new String[0]);
            HealthEndpoint.Answer ready = HealthEndpoint.ready();
            assertFalse(ready.up(), "readiness DOWN as soon as the drain began: " + ready);
            assertEquals("true", ready.data("draining"), ready.toString());
            assertTrue(HealthEndpoint.live().up(), "a draining node is alive");
            assertTrue(drained.clients.stream().allMatch(client -> client.closedAtNanos() == 0),
                    "readiness was DOWN before the first close");
            assertEquals(Boolean.TRUE, server.getAttribute(name, "Draining"));

            var refused = WsClient.refusal(WsClient.uri(base, "room", "late"), Map.of());
            assertEquals(503, refused.statusCode(), "a draining node takes no new connections");
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "503 with Retry-After");

            long firstClose = drained.assertClosedWith1012SpreadOver(start, WINDOW_MS);
            assertTrue(ready.receivedNanos() < firstClose, "readiness DOWN before the first close");
            for (int i = 0; i < CLIENTS; i++) {
                String user = "drained-" + i;
                Poll.until(1L, () -> EVENTS.count("disconnect", user), Duration.ofSeconds(10));
            }
            Poll.until(0, () -> (Integer) server.getAttribute(name, "OpenConnections"), Duration.ofSeconds(10));
            assertFalse(HealthEndpoint.ready().up(), "stays unready after the drain, until the application restarts");
        }
    }

    /** @return the JMX address Liberty's localConnector-1.0 publishes for the test server */
    static String localConnectorAddress() throws Exception {
        Path file = Path.of(System.getProperty("wlp.home"), "usr", "servers", System.getProperty("it.server.name"),
                "logs", "state", "com.ibm.ws.jmx.local.address");
        return Files.readString(file).trim();
    }
}
