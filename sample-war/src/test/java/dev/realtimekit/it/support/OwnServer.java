package dev.realtimekit.it.support;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.realtimekit.testsupport.Ports;
import dev.realtimekit.testsupport.Processes;

/**
 * A Liberty server of one test's own (under {@code target/<name>}), running the sample WAR with a
 * server.xml the test derives from the sample's: for what the shared test server cannot show, e.g.
 * the kit on a server without an optional feature. Started by {@link #start}, stopped by {@link #close}.
 */
public final class OwnServer implements AutoCloseable {

    private final Path wlp;
    private final Map<String, String> env;
    private final String name;
    private final Path messages;
    private final int port;

    private OwnServer(Path wlp, Map<String, String> env, String name, Path messages, int port) {
        this.wlp = wlp;
        this.env = env;
        this.name = name;
        this.messages = messages;
        this.port = port;
    }

    /** @return the sample's server.xml (the repository's root {@code server.xml}) */
    public static String sampleServerXml() throws Exception {
        return Files.readString(Path.of("..", "server.xml"), StandardCharsets.UTF_8);
    }

    /**
     * Creates (once) and starts the server, deploys the sample WAR in dropins and waits until the
     * application started or failed.
     *
     * @param serverEnv lines for the server's {@code server.env} (e.g. {@code OTEL_SDK_DISABLED=false})
     */
    public static OwnServer start(String name, String serverXml, List<String> serverEnv) throws Exception {
        Path wlp = Path.of(System.getProperty("wlp.home"));
        Path userDir = Path.of("target", name).toAbsolutePath();
        Map<String, String> env = Map.of("WLP_USER_DIR", userDir.toString());
        Path serverDir = userDir.resolve("servers").resolve(name);
        if (!Files.isDirectory(serverDir)) {
            Processes.run(List.of(wlp.resolve("bin/server").toString(), "create", name), env, Duration.ofSeconds(60));
        }
        Files.writeString(serverDir.resolve("server.xml"), serverXml, StandardCharsets.UTF_8);
        Files.writeString(serverDir.resolve("server.env"), String.join("\n", serverEnv) + "\n", StandardCharsets.UTF_8);
        int port = Ports.freeWithCompanion(363);
        Files.writeString(serverDir.resolve("bootstrap.properties"), "http.port=" + port + "\nhttps.port=" + (port + 363) + "\n");
        Files.writeString(serverDir.resolve("jvm.options"), "-Xmx256m\n");
        Path logs = serverDir.resolve("logs");
        if (Files.isDirectory(logs)) {
            try (var files = Files.walk(logs)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(serverDir.resolve("dropins"));
        Files.copy(Path.of(System.getProperty("sample.war")), serverDir.resolve("dropins/realtime-kit-sample.war"),
                StandardCopyOption.REPLACE_EXISTING);
        Processes.run(List.of(wlp.resolve("bin/server").toString(), "start", name), env, Duration.ofSeconds(120));
        OwnServer server = new OwnServer(wlp, env, name, logs.resolve("messages.log"), port);
        server.awaitLog("CWWKZ0001I|CWWKZ0002E|CWWKZ0003I", Duration.ofSeconds(90));
        return server;
    }

    public int port() {
        return port;
    }

    /** @return the sample's base URL on this server ({@code http://127.0.0.1:<port>/chat/}) */
    public URL chat() throws Exception {
        return URI.create("http://127.0.0.1:" + port + "/chat/").toURL();
    }

    /** @return the server's messages.log as it is now */
    public String log() throws Exception {
        return Files.exists(messages) ? Files.readString(messages, StandardCharsets.UTF_8) : "";
    }

    /** @return whether the log matched {@code regex} within the time given (polling the file) */
    public boolean awaitLog(String regex, Duration within) throws Exception {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + within.toNanos();
        while (!pattern.matcher(log()).find()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200); // polling the log file, which Liberty writes as it goes
        }
        return true;
    }

    /** @return the log's last 40 lines, for assertion messages */
    public String tail() throws Exception {
        Matcher lines = Pattern.compile("(?m)^.*$").matcher(log());
        Deque<String> last = new ArrayDeque<>();
        while (lines.find()) {
            last.addLast(lines.group());
            if (last.size() > 40) {
                last.removeFirst();
            }
        }
        return String.join("\n", last);
    }

    @Override
    public void close() throws Exception {
        Processes.run(List.of(wlp.resolve("bin/server").toString(), "stop", name), env, Duration.ofSeconds(120));
    }
}
