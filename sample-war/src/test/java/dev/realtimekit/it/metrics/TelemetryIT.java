package dev.realtimekit.it.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.realtimekit.it.support.OwnServer;
import dev.realtimekit.it.support.WsClient;

/**
 * With {@code mpTelemetry-2.1} instead of {@code mpMetrics-5.1} (a Liberty of the test's own), the
 * kit's instruments go to the application's OpenTelemetry {@code Meter}: shown with OpenTelemetry's
 * logging exporter, which writes each export to the server's log.
 */
class TelemetryIT {

    @Test
    void theInstrumentsGoToOpenTelemetryWhenTheServerRunsMpTelemetry() throws Exception {
        String sampleXml = OwnServer.sampleServerXml();
        String telemetry = sampleXml.replaceAll("<feature>mpMetrics-[0-9.]+</feature>", "<feature>mpTelemetry-2.1</feature>")
                .replaceAll("\\s*<mpMetrics [^>]*/>", "");
        assertTrue(telemetry.contains("mpTelemetry-2.1") && !telemetry.contains("mpMetrics"), telemetry);
        List<String> env = List.of("OTEL_SDK_DISABLED=false", "OTEL_METRICS_EXPORTER=logging", "OTEL_TRACES_EXPORTER=none",
                "OTEL_LOGS_EXPORTER=none", "OTEL_METRIC_EXPORT_INTERVAL=1000");
        try (OwnServer server = OwnServer.start("telemetry", telemetry, env)) {
            assertTrue(server.log().contains("CWWKZ0001I"), "the application started:\n" + server.tail());
            assertTrue(server.log().contains("RTK0122I: The realtime kit's metrics go to: OpenTelemetry"),
                    "the kit chose OpenTelemetry:\n" + server.tail());
            try (WsClient client = WsClient.connect(server.chat(), "general", "3f1e9c1a-2b4d-4e5f-8a6b-7c8d9e0f1a2b:alice")) {
                client.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"to telemetry\"}");
                client.expect("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"to telemetry\"}");
                assertTrue(server.awaitLog("name=realtime\\.events\\.delivered,[^\n]*value=[1-9]",
                        Duration.ofSeconds(15)), "an export with a delivered event:\n" + server.tail());
                assertTrue(server.awaitLog("name=realtime\\.delivery\\.latency,[^\n]*getCount=[1-9]",
                        Duration.ofSeconds(15)), "an export with a delivery latency:\n" + server.tail());
                assertTrue(server.awaitLog("name=realtime\\.connections\\.open,[^\n]*value=1,", Duration.ofSeconds(15)),
                        "the open-connections gauge:\n" + server.tail());
            }
            List<String> kitLines = server.log().lines().filter(line -> line.contains("name=realtime.")).toList();
            assertFalse(kitLines.isEmpty(), server.tail());
            for (String line : kitLines) {
                assertFalse(line.contains("general") || line.contains("alice") || line.contains("3f1e9c1a"),
                        "no topic or user in the kit's instruments: " + line);
            }
        }
    }
}
