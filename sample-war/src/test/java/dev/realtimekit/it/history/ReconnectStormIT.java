package dev.realtimekit.it.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.lifecycle.AnyTokenValidator;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.StatsServlet;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.Poll;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * A reconnect storm on a history topic costs each node a few history reads, not one per client: two
 * deployments of a quiet application (context roots /storm-a and /storm-b, each its own kit and
 * Redisson client) are two nodes on the test's redis-server; 1,000 clients, half on each, drop at
 * once while events are published, and all come back with their positions together. The same nodes
 * tell the application about a history lost with Redis's data ({@code HistoryGap}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ReconnectStormIT {

    private static final int CLIENTS = 1000;
    private static final int MISSED = 10;
    private static RedisProcess redis;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "storm-a", managed = false, testable = false)
    static WebArchive nodeA() throws Exception {
        return node("storm-a.war");
    }

    @Deployment(name = "storm-b", managed = false, testable = false)
    static WebArchive nodeB() throws Exception {
        return node("storm-b.war");
    }

    private static synchronized WebArchive node(String name) throws Exception {
        if (redis == null) {
            redis = RedisProcess.start();
        }
        return Deployments.kitWithRedisson(name, "realtime.redis.address=" + redis.address() + "\n"
                        + "realtime.history.topics=storm\nrealtime.max-connections-per-user=0\n",
                EchoToTopicHandler.class, Line.class, AnyTokenValidator.class, StatsServlet.class, GapObserver.class,
                GapsServlet.class);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Test
    void aThousandClientsComingBackTogetherCostAFewReadsPerNodeAndEachGetsExactlyWhatItMissed() throws Exception {
        deployer.deploy("storm-a");
        deployer.deploy("storm-b");
        ExecutorService pool = Executors.newFixedThreadPool(64);
        List<WsClient> clients = Collections.synchronizedList(new ArrayList<>());
        try (WsClient publisher = WsClient.connect(url("storm-a"), "storm", "publisher")) {
            String[] subscribed = position(publisher.next());
            List<Future<String>> positions = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                URL node = url(i % 2 == 0 ? "storm-a" : "storm-b");
                String user = "client-" + i;
                positions.add(pool.submit(() -> {
                    WsClient client = WsClient.connect(node, "storm", user);
                    clients.add(client);
                    return String.join(":", position(client.next()));
                }));
            }
            for (Future<String> position : positions) {
                assertEquals(String.join(":", subscribed), position.get(120, TimeUnit.SECONDS), "nothing published yet");
            }
            clients.forEach(WsClient::abort); // all at once, without a close frame
            clients.clear();
            for (int i = 1; i <= MISSED; i++) {
                publisher.send("{\"text\":\"missed-" + i + "\"}");
            }
            for (int i = 1; i <= MISSED; i++) {
                assertEquals("missed-" + i, json(publisher.next()).getJsonObject("event").getString("text"));
            }
            long readsA = reads("storm-a");
            long readsB = reads("storm-b");

            List<Future<List<String>>> answers = new ArrayList<>();
            String since = String.join(":", subscribed);
            for (int i = 0; i < CLIENTS; i++) {
                URL node = url(i % 2 == 0 ? "storm-a" : "storm-b");
                String user = "client-" + i;
                answers.add(pool.submit(() -> {
                    WsClient client = WsClient.connect(URI.create(WsClient.uri(node, "storm", user) + "&since=" + since), Map.of());
                    clients.add(client);
                    return client.next(MISSED + 1);
                }));
            }
            List<String> expected = new ArrayList<>();
            long seq = Long.parseLong(subscribed[1]);
            for (int i = 1; i <= MISSED; i++) {
                expected.add("{\"type\":\"event\",\"topic\":\"storm\",\"epoch\":\"" + subscribed[0] + "\",\"seq\":" + (seq + i)
                        + ",\"event\":{\"text\":\"missed-" + i + "\"}}");
            }
            expected.add("{\"type\":\"recovered\",\"topic\":\"storm\",\"epoch\":\"" + subscribed[0] + "\",\"seq\":" + (seq + MISSED)
                    + ",\"replayed\":" + MISSED + "}");
            for (Future<List<String>> answer : answers) {
                assertEquals(expected, answer.get(120, TimeUnit.SECONDS));
            }
            long stormReadsA = reads("storm-a") - readsA;
            long stormReadsB = reads("storm-b") - readsB;
            // Node A kept the topic (the publisher stayed): its recent events serve everyone. Node B lost
            // its last subscriber: one read of the position, then one (or, for clients that asked while it
            // was in flight, one more) read of the missed events.
            assertTrue(stormReadsA <= 1, "history reads on the node that kept the topic: " + stormReadsA);
            assertTrue(stormReadsB <= 3, "history reads on the node that had to start over: " + stormReadsB);
        } finally {
            clients.forEach(WsClient::abort);
            pool.shutdownNow();
            deployer.undeploy("storm-a");
            deployer.undeploy("storm-b");
        }
    }

    @Test
    void aNodeWhoseRedisLostItsDataTellsTheApplicationWithHistoryGap() throws Exception {
        deployer.deploy("storm-a");
        try (WsClient client = WsClient.connect(url("storm-a"), "storm", "watcher")) {
            String[] before = position(client.next());
            client.send("{\"text\":\"before\"}");
            assertEquals("before", json(client.next()).getJsonObject("event").getString("text"));
            redis.kill();
            redis.restart(); // no persistence: the topic's numbering is gone
            JsonObject resync = json(client.nextWithin(java.time.Duration.ofSeconds(40)));
            assertEquals("resync", resync.getString("type"), resync.toString());
            assertEquals("epoch-changed", resync.getString("reason"));
            assertTrue(!resync.getString("epoch").equals(before[0]));
            // Fired on the executor after the resync frames: one HistoryGap, observed with @Observes.
            Poll.until("storm epoch-changed false 0", () -> WsClient.get(URI.create(url("storm-a") + "gaps")).body(),
                    java.time.Duration.ofSeconds(10));
        } finally {
            deployer.undeploy("storm-a");
        }
    }

    private static long reads(String node) throws Exception {
        return Long.parseLong(WsClient.get(URI.create(url(node) + "stats?history-reads")).body().trim());
    }

    /** @return epoch and seq of a subscribed frame */
    private static String[] position(String text) {
        JsonObject frame = json(text);
        assertEquals("subscribed", frame.getString("type"), text);
        return new String[] {frame.getString("epoch"), frame.getJsonNumber("seq").toString()};
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static URL url(String contextRoot) throws Exception {
        return URI.create("http://localhost:" + System.getProperty("it.http.port") + "/" + contextRoot + "/").toURL();
    }
}
