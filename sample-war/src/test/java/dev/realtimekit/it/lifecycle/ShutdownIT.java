package dev.realtimekit.it.lifecycle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.HealthEndpoint;
import dev.realtimekit.testsupport.Poll;

/**
 * Stopping the application drains it: every connection closed with 1012 in batches spread over
 * {@code realtime.drain-window-ms}, and onDisconnect still called for each.
 *
 * <p>Readiness at application stop is Liberty's: it removes the application's context root and its
 * health checks (CWWKT0017I) before the application hears of the stop, so during the drain
 * {@code /health/ready} no longer lists the kit's check at all (and shows UP when nothing else is
 * deployed), and new handshakes get Liberty's 404. Asserted here: the kit's check never says UP once
 * the drain closes connections, and no new connection reaches the stopping application. The drain
 * with readiness DOWN first is the JMX one ({@link DrainIT}), to run before stopping.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ShutdownIT {

    private static final String NAME = "shutdown";
    private static final long WINDOW_MS = 3_000;
    private static final LifecycleEvents EVENTS = new LifecycleEvents();

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return EVENTS.deployment("shutdown.war", "realtime.drain-window-ms=" + WINDOW_MS + "\n");
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void undeployingDrainsWith1012SpreadOverTheWindowAndCallsOnDisconnect() throws Exception {
        deployer.deploy(NAME);
        URL base = URI.create("http://localhost:" + System.getProperty("it.http.port") + "/shutdown/").toURL();
        DrainClients drained = DrainClients.connect(base, "stayer-", 10);
        // Readiness as seen while the application stops, with when each answer arrived.
        List<HealthEndpoint.Answer> answers = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger lateHandshake = new java.util.concurrent.atomic.AtomicInteger();
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                try {
                    answers.add(HealthEndpoint.ready());
                    if (lateHandshake.get() == 0 && drained.clients.stream().anyMatch(client -> client.closedAtNanos() != 0)) {
                        lateHandshake.set(dev.realtimekit.it.support.WsClient
                                .refusal(dev.realtimekit.it.support.WsClient.uri(base, "room", "late"), java.util.Map.of())
                                .statusCode());
                    }
                    Thread.sleep(20); // sampling interval of the observation
                } catch (Exception e) {
                    return;
                }
            }
        }, "readiness-watcher");
        long start = System.nanoTime();
        watcher.start();
        try {
            deployer.undeploy(NAME);
        } finally {
            watching.set(false);
            watcher.join(10_000);
        }
        List<String> seen = new java.util.ArrayList<>();
        for (HealthEndpoint.Answer answer : answers) {
            String line = (answer.receivedNanos() - start) / 1_000_000 + " ms: " + answer;
            if (seen.isEmpty() || !seen.get(seen.size() - 1).endsWith(answer.toString())) {
                seen.add(line);
            }
        }
        System.out.println("ShutdownIT: readiness while the application stopped:\n  " + String.join("\n  ", seen));
        long firstClose = drained.assertClosedWith1012SpreadOver(start, WINDOW_MS);
        assertTrue(answers.stream().filter(answer -> answer.receivedNanos() > firstClose)
                .noneMatch(answer -> answer.body().matches(".*\\{\"name\":\"realtime-kit\",\"status\":\"UP\".*")),
                "the kit's readiness never UP once the drain closes connections: " + seen);
        assertTrue(lateHandshake.get() == 404 || lateHandshake.get() == 503,
                "no new connection during the drain at stop (Liberty's 404, or the kit's 503): " + lateHandshake.get());
        for (int i = 0; i < 10; i++) {
            String user = "stayer-" + i;
            Poll.until(1L, () -> EVENTS.count("disconnect", user), java.time.Duration.ofSeconds(10));
        }
    }
}
