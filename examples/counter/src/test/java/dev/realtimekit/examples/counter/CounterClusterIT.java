package dev.realtimekit.examples.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.realtimekit.testsupport.Ports;
import dev.realtimekit.testsupport.Processes;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * The example WAR on two Open Liberty nodes sharing a redis-server of the test's own, started with
 * the repository's {@code sample-war/cluster.sh} exactly as the README shows: the counters are kept
 * in Redis through the kit's {@code @RealtimeRedis} client, so both nodes agree on every value.
 * (Kept in the handler's memory, node 2 would answer 2 where node 1 answers 5.)
 */
class CounterClusterIT {

    private static final String INCREMENT = "{\"type\":\"increment\"}";
    private static final String GET = "{\"type\":\"get\"}";

    private static RedisProcess redis;
    private static Map<String, String> env;
    private static int[] ports;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        redis = RedisProcess.start();
        ports = new int[] {Ports.freeWithCompanion(363), Ports.freeWithCompanion(363)};
        while (ports[1] == ports[0]) {
            ports[1] = Ports.freeWithCompanion(363);
        }
        env = new HashMap<>();
        env.put("WAR", new File(System.getProperty("counter.war")).getAbsolutePath());
        env.put("CONTEXT_ROOT", "/counter");
        env.put("SERVER_XML", new File("src/main/liberty/config/server.xml").getAbsolutePath());
        env.put("REDIS_URL", redis.address());
        env.put("NODE_PORTS", ports[0] + " " + ports[1]);
        env.put("CLUSTER_DIR", new File("target/counter-cluster").getAbsolutePath());
        try {
            cluster("start", Duration.ofSeconds(300));
        } catch (Exception | Error e) {
            stopTwoNodes();
            throw e;
        }
    }

    @AfterAll
    static void stopTwoNodes() throws Exception {
        try {
            cluster("stop", Duration.ofSeconds(120));
        } finally {
            redis.close();
        }
    }

    private static void cluster(String command, Duration timeout) throws Exception {
        String script = new File(System.getProperty("repository.root"), "sample-war/cluster.sh").getCanonicalPath();
        Processes.run(List.of("bash", script, command), env, timeout);
    }

    private static Client connect(int node, String topic, String name) throws Exception {
        return new Client(URI.create("ws://127.0.0.1:" + ports[node] + "/counter/ws/"
                + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "?token=" + URLEncoder.encode(name, StandardCharsets.UTF_8)));
    }

    private static String count(String topic, long value) {
        return "{\"type\":\"count\",\"topic\":\"" + topic + "\",\"value\":" + value + "}";
    }

    @Test
    void bothNodesCountEveryIncrementAndAgreeOnTheValue() throws Exception {
        String topic = "clicks-" + UUID.randomUUID().toString().substring(0, 8);
        try (Client ann = connect(0, topic, "ann"); Client bob = connect(1, topic, "bob")) {
            assertEquals(count(topic, 0), ann.next());
            assertEquals(count(topic, 0), bob.next());

            for (int i = 1; i <= 3; i++) {
                ann.send(INCREMENT);
                assertEquals(count(topic, i), ann.next(), "node 1 counts its client's increment");
                assertEquals(count(topic, i), bob.next(), "node 2's client gets it through Redis");
            }
            for (int i = 4; i <= 5; i++) {
                bob.send(INCREMENT);
                assertEquals(count(topic, i), bob.next(), "node 2 counts on from node 1's value");
                assertEquals(count(topic, i), ann.next());
            }
            ann.send(GET);
            bob.send(GET);
            assertEquals(count(topic, 5), ann.next());
            assertEquals(count(topic, 5), bob.next());
        }
        try (Client late = connect(1, topic, "carol")) {
            assertEquals(count(topic, 5), late.next(), "a client connecting later is sent the shared value");
        }
    }

    @Test
    void concurrentIncrementsOnBothNodesAreEachCountedOnce() throws Exception {
        String topic = "clicks-" + UUID.randomUUID().toString().substring(0, 8);
        int perClient = 25;
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Client client = connect(i % 2, topic, "clicker-" + i);
                assertEquals(count(topic, 0), client.next());
                clients.add(client);
            }
            for (int round = 0; round < perClient; round++) {
                for (Client client : clients) {
                    client.send(INCREMENT);
                }
            }
            int total = perClient * clients.size();
            for (Client client : clients) {
                List<Long> values = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    String frame = client.next();
                    values.add(Long.parseLong(frame.substring(frame.lastIndexOf(':') + 1, frame.length() - 1)));
                }
                values.sort(null);
                List<Long> expected = new ArrayList<>();
                for (long v = 1; v <= total; v++) {
                    expected.add(v);
                }
                assertEquals(expected, values, "every value from 1 to " + total + " once, on both nodes");
            }
        } finally {
            for (Client client : clients) {
                client.close();
            }
        }
    }
}
