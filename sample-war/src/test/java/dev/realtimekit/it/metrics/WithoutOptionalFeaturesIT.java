package dev.realtimekit.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.realtimekit.it.support.OwnServer;
import dev.realtimekit.it.support.WsClient;

/**
 * The kit's health checks and instruments reference MicroProfile Health's and Metrics' APIs, which an
 * application only sees when the server enables those features: on a server with the sample's
 * configuration minus mpHealth and mpMetrics (a Liberty of the test's own) the sample still deploys
 * cleanly and chats, and there is no /health and no /metrics endpoint.
 */
class WithoutOptionalFeaturesIT {

    @Test
    void theSampleDeploysAndWorksOnAServerWithoutMpHealthOrMpMetrics() throws Exception {
        String sampleXml = OwnServer.sampleServerXml();
        String without = sampleXml.replaceAll("\\s*<feature>mp(Health|Metrics)-[0-9.]+</feature>", "")
                .replaceAll("\\s*<mpMetrics [^>]*/>", "");
        assertTrue(sampleXml.contains("mpHealth-4.0") && sampleXml.contains("mpMetrics-5.1"),
                "the sample enables mpHealth-4.0 and mpMetrics-5.1");
        assertFalse(without.contains("mpHealth") || without.contains("mpMetrics"), without);
        try (OwnServer server = OwnServer.start("noOptionalFeatures", without, List.of())) {
            String log = server.log();
            assertTrue(log.contains("CWWKZ0001I"), "the application started:\n" + server.tail());
            assertFalse(Pattern.compile("CWWKZ0002E|RTK\\d{4}E|WELD-000119|NoClassDefFoundError|microprofile/(health|metrics)")
                    .matcher(log).find(), "deployed without errors or class loading noise:\n" + server.tail());
            assertTrue(server.awaitLog("CWWKF0012I", java.time.Duration.ofSeconds(30)), "features installed:\n" + server.tail());
            String features = log.lines().filter(line -> line.contains("CWWKF0012I")).findFirst().orElse(server.log());
            assertFalse(features.contains("mpHealth") || features.contains("mpMetrics"), "the server runs without both: " + features);
            assertTrue(log.contains("RTK0122I: The realtime kit's metrics go to: none"), "the kit says it has no metrics:\n"
                    + server.tail());

            try (WsClient client = WsClient.connect(server.chat(), "general", "3f1e9c1a-2b4d-4e5f-8a6b-7c8d9e0f1a2b:alice")) {
                client.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"no health here\"}");
                client.expect("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"no health here\"}");
            }
            assertEquals(404, WsClient.get(URI.create("http://127.0.0.1:" + server.port() + "/health/ready")).statusCode());
            assertEquals(404, WsClient.get(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).statusCode());
        }
    }
}
