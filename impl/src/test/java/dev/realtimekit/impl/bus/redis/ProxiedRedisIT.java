package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.testsupport.Poll;
import dev.realtimekit.testsupport.TcpRelay;

/**
 * Redis behind a TCP proxy (a load balancer, a sidecar, a TLS terminator): while Redis is down the
 * proxy still accepts connections and answers nothing on them. A node must count a connection as
 * open only once Redis has answered on it; otherwise its reconnections "succeed" into the proxy
 * during an outage, it stops retrying, and after Redis is back it keeps writing its commands and
 * subscriptions into those dead connections until the proxy closes them.
 */
class ProxiedRedisIT extends RedisBusTestBase {

    /** Longer than the test waits for the nodes to come back: a held connection never ends by itself here. */
    private static final Duration PROXY_HOLD = Duration.ofSeconds(60);

    @Test
    void afterAnOutageBehindAProxyNodesComeBackWithoutWaitingForTheProxyToGiveUp() throws Exception {
        try (TcpRelay relay = TcpRelay.to(redis.port(), PROXY_HOLD)) {
            Nodes nodes = delivering("behind-proxy", () -> RealtimeConfigs.redis(relay.address(), prefix, 200));
            Node subscriber = nodes.subscriber();
            Node publisher = nodes.publisher();

            redis.kill();
            Poll.until(false, () -> publisher.bus.status().reachable() || publishes(publisher), Duration.ofSeconds(10));
            // Both nodes' connections were closed with Redis; their reconnections now go into the proxy.
            Poll.until(true, () -> relay.held() >= 4, Duration.ofSeconds(10));
            redis.restart();
            long restarted = System.nanoTime();

            boolean back = receivesAgain(publisher, subscriber, "behind-proxy", restarted, Duration.ofSeconds(20));
            System.out.printf("Behind a proxy: the subscriber received again %d ms after redis-server was started"
                    + " (%d connections held by the proxy meanwhile)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted), relay.held());
            assertTrue(back, "the subscriber receives again within 20 s of the restart, though the proxy holds"
                    + " the connections it accepted during the outage for " + PROXY_HOLD);
            subscriber.received.clear();
            publisher.publish("behind-proxy", "after");
            assertEquals("behind-proxy|after", lastDelivery(subscriber));
            assertTrue(publisher.bus.status().reachable(), "a publish answered: reachable");
        }
    }

    /**
     * The network path to Redis vanishes without a reset (its host died, a firewall dropped the
     * flows): the nodes' open connections go silent, nothing closes them, while Redis answers new
     * connections. Nothing in Redisson notices (it does not ping, see ConnectionPingIT); the nodes'
     * subscription checks find Redis silent for a whole interval and connect anew.
     */
    @Test
    void connectionsThatWentSilentWithoutClosingAreReplaced() throws Exception {
        try (TcpRelay relay = TcpRelay.to(redis.port(), PROXY_HOLD)) {
            Nodes nodes = delivering("silent-path", () -> RealtimeConfigs.redisCheckingEvery(relay.address(), prefix, 1_000));
            Node subscriber = nodes.subscriber();
            Node publisher = nodes.publisher();

            assertTrue(relay.freezeOpenConnections() >= 4, "both nodes' connections went silent");
            long frozen = System.nanoTime();
            boolean back = receivesAgain(publisher, subscriber, "silent-path", frozen, Duration.ofSeconds(30));
            System.out.printf("Silent connections: the subscriber received again %d ms after they went silent%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozen));
            assertTrue(back, "the subscriber receives again within 30 s though its connections never closed");
            Poll.until(true, () -> subscriber.bus.status().reachable() && publisher.bus.status().reachable(),
                    Duration.ofSeconds(10));
            subscriber.received.clear();
            publisher.publish("silent-path", "after");
            assertEquals("silent-path|after", lastDelivery(subscriber));
        }
    }

    private record Nodes(Node subscriber, Node publisher) {
    }

    /** @return two nodes of this configuration, one subscribed to {@code topic}, after an event went from the other to it */
    private Nodes delivering(String topic, Supplier<RealtimeConfig> config) throws Exception {
        Node subscriber = node(config.get());
        Node publisher = node(config.get());
        subscriber.subscribe(topic);
        publisher.publish(topic, "before");
        subscriber.expect(topic, "before");
        return new Nodes(subscriber, publisher);
    }

    /** @return whether a publish succeeds now (it fails within the publish timeout while Redis is down) */
    private static boolean publishes(Node node) {
        try {
            node.bus.publish("behind-proxy", "during").toCompletableFuture().get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception failed) {
            return false;
        }
    }

    /** @return the first delivery whose payload is "after", skipping late probes */
    private static String lastDelivery(Node node) throws InterruptedException {
        String delivery;
        do {
            delivery = node.next();
        } while (!delivery.endsWith("|after"));
        return delivery;
    }
}
