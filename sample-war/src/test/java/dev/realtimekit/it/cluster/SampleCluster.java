package dev.realtimekit.it.cluster;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.realtimekit.testsupport.Processes;
import dev.realtimekit.testsupport.Ports;

/**
 * Two nodes of the sample, started and stopped with {@code sample-war/cluster.sh} exactly as a user
 * would, on free ports and in a directory of the test's own.
 */
public final class SampleCluster implements AutoCloseable {

    private final int[] ports;
    private final Map<String, String> env;

    private SampleCluster(int[] ports, Map<String, String> env) {
        this.ports = ports;
        this.env = env;
    }

    /**
     * @param name names the cluster's directory under target/
     * @param settings environment for cluster.sh, e.g. REDIS_URL or REDIS_CONFIG and REALTIME_* keys
     */
    public static SampleCluster start(String name, Map<String, String> settings) throws Exception {
        int[] ports = {freeHttpPort(), freeHttpPort()};
        while (ports[1] == ports[0]) {
            ports[1] = freeHttpPort();
        }
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("NODE_PORTS", ports[0] + " " + ports[1]);
        env.put("CLUSTER_DIR", new File("target/" + name).getAbsolutePath());
        SampleCluster cluster = new SampleCluster(ports, env);
        try {
            cluster.run(List.of("start"), 300);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** @return the base URL of node 0 or 1, e.g. {@code http://127.0.0.1:9080/chat/} */
    public URL node(int index) throws Exception {
        return URI.create("http://127.0.0.1:" + ports[index] + "/chat/").toURL();
    }

    /**
     * Stops node 0 or 1 and starts it again with the cluster's settings ({@code cluster.sh restart}); returns
     * once it serves WebSocket handshakes again. Its clients are drained with 1012 first, as on any stop.
     */
    public void restartNode(int index) throws Exception {
        Objects.checkIndex(index, ports.length);
        run(List.of("restart", String.valueOf(index + 1)), 300);
    }

    /** @return the logs directory of node 0 or 1 (Liberty keeps the log of the run before a restart as messages_<time>.log) */
    public java.nio.file.Path logs(int index) {
        Objects.checkIndex(index, ports.length);
        return java.nio.file.Path.of(env.get("CLUSTER_DIR"), "servers", "node-" + (index + 1), "logs");
    }

    /** Stops the cluster (if it started) and then its Redis, whatever happens to the first. */
    public static void stop(SampleCluster cluster, AutoCloseable redis) throws Exception {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            redis.close();
        }
    }

    @Override
    public void close() throws Exception {
        run(List.of("stop"), 120);
    }

    private void run(List<String> arguments, long timeoutSeconds) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "cluster.sh"));
        command.addAll(arguments);
        Processes.run(command, env, Duration.ofSeconds(timeoutSeconds));
    }

    /** @return a port free now whose HTTPS companion (port + 363, as cluster.sh assigns) is free too */
    private static int freeHttpPort() throws IOException {
        return Ports.freeWithCompanion(363);
    }
}
