package dev.realtimekit.it.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.StatsServlet;

/** The file the {@link RecordingHandler} writes, read back by the tests. */
final class LifecycleEvents {

    private final Path file;

    LifecycleEvents() {
        this.file = Path.of("target", "lifecycle-" + UUID.randomUUID() + ".log").toAbsolutePath();
    }

    /** @return a WAR with the recording handler, writing to this file */
    WebArchive deployment(String name) {
        return deployment(name, "");
    }

    /** @param properties more MicroProfile Config lines for the WAR, e.g. {@code realtime.drain-window-ms=3000\n} */
    WebArchive deployment(String name, String properties) {
        return Deployments.kit(name, RecordingHandler.class, AnyTokenValidator.class, Note.class, StatsServlet.class)
                .addAsResource(new StringAsset("lifecycle.events-file=" + file.toString().replace("\\", "/") + "\n"
                        + properties), "META-INF/microprofile-config.properties");
    }

    List<String> lines() throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    /** @return how many times {@code event} ("connect" or "disconnect") was recorded for the user */
    long count(String event, String user) throws IOException {
        return lines().stream().map(line -> line.split(" ")).filter(f -> f[0].equals(event) && f[2].equals(user)).count();
    }

    /** @return for one event kind, how many times it was recorded per connection id */
    Map<String, Long> perConnection(String event) throws IOException {
        return lines().stream().map(line -> line.split(" ")).filter(f -> f[0].equals(event))
                .collect(Collectors.groupingBy(f -> f[1], Collectors.counting()));
    }

}
