package dev.realtimekit.it.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.Ports;
import dev.realtimekit.testsupport.Processes;

/**
 * The kit's health checks reference MicroProfile Health's API, which an application only sees when
 * the server enables mpHealth: on a server with the sample's configuration minus mpHealth-4.0 (a
 * Liberty of the test's own, in target/no-health) the sample still deploys cleanly and chats, and
 * there is no /health endpoint.
 */
class WithoutHealthFeatureIT {

    private static final String SERVER = "noHealth";

    @Test
    void theSampleDeploysAndWorksOnAServerWithoutMpHealth() throws Exception {
        Path wlp = Path.of(System.getProperty("wlp.home"));
        Path userDir = Path.of("target", "no-health").toAbsolutePath();
        Map<String, String> env = Map.of("WLP_USER_DIR", userDir.toString());
        Path serverDir = userDir.resolve("servers").resolve(SERVER);
        if (!Files.isDirectory(serverDir)) {
            Processes.run(List.of(wlp.resolve("bin/server").toString(), "create", SERVER), env, Duration.ofSeconds(60));
        }
        String sampleXml = Files.readString(Path.of("..", "server.xml"), StandardCharsets.UTF_8);
        String withoutHealth = sampleXml.replaceAll("\\s*<feature>mpHealth-[0-9.]+</feature>", "");
        assertTrue(sampleXml.contains("mpHealth-4.0") && !withoutHealth.contains("mpHealth"), "the sample enables mpHealth-4.0");
        Files.writeString(serverDir.resolve("server.xml"), withoutHealth, StandardCharsets.UTF_8);
        int port = Ports.freeWithCompanion(363);
        Files.writeString(serverDir.resolve("bootstrap.properties"), "http.port=" + port + "\nhttps.port=" + (port + 363) + "\n");
        Files.writeString(serverDir.resolve("jvm.options"), "-Xmx256m\n");
        Path logs = serverDir.resolve("logs");
        if (Files.isDirectory(logs)) {
            try (var files = Files.walk(logs)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(serverDir.resolve("dropins"));
        Files.copy(Path.of(System.getProperty("sample.war")), serverDir.resolve("dropins/realtime-kit-sample.war"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Processes.run(List.of(wlp.resolve("bin/server").toString(), "start", SERVER), env, Duration.ofSeconds(120));
        try {
            Path messages = logs.resolve("messages.log");
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!logHas(messages, "CWWKZ0001I|CWWKZ0002E|CWWKZ0003I") && System.nanoTime() < deadline) {
                Thread.sleep(200); // polling the log for the application's start
            }
            String log = Files.readString(messages, StandardCharsets.UTF_8);
            assertTrue(log.contains("CWWKZ0001I"), "the application started:\n" + tail(log));
            assertFalse(Pattern.compile("CWWKZ0002E|RTK\\d{4}E|WELD-000119|NoClassDefFoundError|microprofile/health")
                    .matcher(log).find(), "deployed without errors or class loading noise:\n" + tail(log));
            assertFalse(log.contains("mpHealth"), "the server runs without mpHealth:\n" + tail(log));

            URL base = URI.create("http://127.0.0.1:" + port + "/chat/").toURL();
            try (WsClient client = WsClient.connect(base, "general", "3f1e9c1a-2b4d-4e5f-8a6b-7c8d9e0f1a2b:alice")) {
                client.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"no health here\"}");
                client.expect("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"no health here\"}");
            }
            assertEquals(404, WsClient.get(URI.create("http://127.0.0.1:" + port + "/health/ready")).statusCode());
        } finally {
            Processes.run(List.of(wlp.resolve("bin/server").toString(), "stop", SERVER), env, Duration.ofSeconds(120));
        }
    }

    private static boolean logHas(Path log, String regex) throws Exception {
        return Files.exists(log) && Pattern.compile(regex).matcher(Files.readString(log, StandardCharsets.UTF_8)).find();
    }

    private static String tail(String log) {
        Matcher lines = Pattern.compile("(?m)^.*$").matcher(log);
        java.util.Deque<String> last = new java.util.ArrayDeque<>();
        while (lines.find()) {
            last.addLast(lines.group());
            if (last.size() > 40) {
                last.removeFirst();
            }
        }
        return String.join("\n", last);
    }
}
