package dev.realtimekit.it.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.context.ContextProbeHandler;
import dev.realtimekit.it.lifecycle.AnyTokenValidator;
import dev.realtimekit.it.lifecycle.Note;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * State across nodes, the two ways the README gives, on a real Liberty with a real Redis: two
 * deployments of one application (context roots /node-a and /node-b, each with its own kit and
 * Redisson client) are two nodes sharing the test's redis-server.
 * <ul>
 * <li>A counter kept in Redis through the injected {@code @RealtimeRedis RedissonClient} agrees on
 * both nodes, whichever node's clients increment it (a field of the handler would not).</li>
 * <li>{@code EventDelivered} fires on each node for every event its clients receive, in their order,
 * with the application's context, so a per-node cache can follow.</li>
 * <li>The client is not injectable without Redis, and the application cannot shut it down.</li>
 * </ul>
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class StateAcrossNodesIT {

    private static RedisProcess redis;

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "node-a", managed = false, testable = false)
    static WebArchive nodeA() throws Exception {
        return node("node-a.war");
    }

    @Deployment(name = "node-b", managed = false, testable = false)
    static WebArchive nodeB() throws Exception {
        return node("node-b.war");
    }

    @Deployment(name = "no-redis", managed = false, testable = false)
    static WebArchive withoutRedis() {
        return Deployments.kitWithRedisson("no-redis.war", "", ContextProbeHandler.class, Note.class, AnyTokenValidator.class,
                NodeStateServlet.class, DeliveredObserver.class);
    }

    private static synchronized WebArchive node(String name) throws Exception {
        if (redis == null) {
            redis = RedisProcess.start();
        }
        return Deployments.kitWithRedisson(name, "realtime.redis.address=" + redis.address() + "\n", SharedCounterHandler.class,
                Count.class, AnyTokenValidator.class, DeliveredObserver.class, NodeStateServlet.class);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Test
    void stateInRedisAgreesOnBothNodesAndEachNodeHearsEveryEventItDelivers() throws Exception {
        deployer.deploy("node-a");
        deployer.deploy("node-b");
        try {
            URL nodeA = url("node-a");
            URL nodeB = url("node-b");
            List<String> expected = IntStream.rangeClosed(1, 10).mapToObj(i -> "{\"text\":\"count=" + i + "\"}").toList();
            List<String> seenByAlice = new ArrayList<>();
            List<String> seenByBob = new ArrayList<>();
            try (WsClient alice = WsClient.connect(nodeA, "dashboard", "alice"); WsClient bob = WsClient.connect(nodeB, "dashboard", "bob")) {
                for (int i = 0; i < 10; i++) {
                    // Turn by turn, each increment through the other node: each handler run sees the other's.
                    (i % 2 == 0 ? alice : bob).send("{\"text\":\"increment\"}");
                    seenByAlice.add(alice.next());
                    seenByBob.add(bob.next());
                }
                alice.send("{\"text\":\"get\"}");
                bob.send("{\"text\":\"get\"}");
                assertEquals("{\"text\":\"count=10\"}", alice.next(), "node A's answer");
                assertEquals("{\"text\":\"count=10\"}", bob.next(), "node B's answer");
            }
            assertEquals(expected, seenByAlice);
            assertEquals(expected, seenByBob);

            List<String> delivered = expected.stream().map(json -> "dashboard " + json).toList();
            assertEquals(delivered, lines(WsClient.get(URI.create(nodeA + "delivered")).body()), "EventDelivered on node A");
            assertEquals(delivered, lines(WsClient.get(URI.create(nodeB + "delivered")).body()), "EventDelivered on node B");

            assertEquals("resolvable, shutdown refused, still answers false", WsClient.get(URI.create(nodeA + "redis")).body());
        } finally {
            deployer.undeploy("node-a");
            deployer.undeploy("node-b");
        }
    }

    @Test
    void withoutRedisTheClientIsNotABean() throws Exception {
        deployer.deploy("no-redis");
        try {
            assertEquals("unresolvable", WsClient.get(URI.create(url("no-redis") + "redis")).body());
        } finally {
            deployer.undeploy("no-redis");
        }
    }

    private static URL url(String contextRoot) throws Exception {
        return URI.create("http://localhost:" + System.getProperty("it.http.port") + "/" + contextRoot + "/").toURL();
    }

    private static List<String> lines(String body) {
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }
}
