package dev.realtimekit.it.lifecycle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.realtimekit.it.cluster.SampleCluster;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * Liberty's {@code server stop}, as an operator stops a node (two sample nodes from cluster.sh, a
 * test-owned Redis): Liberty shuts its default managed executor down before it stops the
 * applications, so the kit's drain and the connections' {@code onDisconnect} must run without it.
 * The sample's {@code onDisconnect} publishes a "left" notice, which a client on the other node sees
 * only if it ran.
 */
class ServerStopIT {

    private static RedisProcess redis;
    private static SampleCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisProcess.start();
        cluster = SampleCluster.start("server-stop-it", Map.of("REDIS_URL", redis.address()));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        SampleCluster.stop(cluster, redis);
    }

    @Test
    void aStoppingServerStillRunsOnDisconnectForItsConnections() throws Exception {
        URL nodeA = cluster.node(0);
        URL nodeB = cluster.node(1);
        try (WsClient watcher = WsClient.connect(nodeB, "general", UUID.randomUUID() + ":watcher");
                WsClient leaving = WsClient.connect(nodeA, "general", UUID.randomUUID() + ":leaving")) {
            assertTrue(watcher.awaitFrame("{\"type\":\"joined\",\"room\":\"general\",\"user\":\"leaving\"}", WsClient.TIMEOUT));
            cluster.restartNode(0); // server stop, then start; returns once node 1 serves again
            // Liberty drops the sockets at once (the client sees 1006 or the kit's 1012); what the kit
            // owes is the connection's onDisconnect, during the stop.
            int code = leaving.awaitCloseCode();
            assertTrue(watcher.awaitFrame("{\"type\":\"left\",\"room\":\"general\",\"user\":\"leaving\"}", Duration.ofSeconds(10)),
                    "onDisconnect ran on the stopping node (its client was closed with " + code + ")");
        }
        // The stopped run's log: the drain finished, nothing was refused by a gone executor, and the stop
        // did not wait realtime.shutdown-timeout-ms for onDisconnect calls that could not run.
        String stopped = stoppedRunsLog();
        assertTrue(stopped.contains("RTK0119I"), "the drain finished (RTK0119I):\n" + kitLines(stopped));
        assertTrue(!stopped.contains("RTK0110W") && !stopped.contains("RTK0111W"),
                "no onDisconnect left waiting, no task refused:\n" + kitLines(stopped));
    }

    /** @return node 1's messages.log of the run the restart stopped (Liberty renamed it at the next start) */
    private static String stoppedRunsLog() throws Exception {
        try (var logs = Files.list(cluster.logs(0))) {
            Path newest = logs.filter(path -> path.getFileName().toString().matches("messages_.*\\.log"))
                    .max(Comparator.comparing(path -> path.getFileName().toString()))
                    .orElseThrow(() -> new AssertionError("no rotated messages log in " + cluster.logs(0)));
            return Files.readString(newest);
        }
    }

    private static String kitLines(String log) {
        return log.lines().filter(line -> line.contains("RTK")).map(line -> line.length() > 220 ? line.substring(0, 220) : line)
                .reduce("", (a, b) -> a + b + "\n");
    }
}
