package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.config.RealtimeConfigs;

/**
 * Redisson's connection ping must not cost events. Redisson 3.52 loses a pub/sub message when the
 * answer to its ping arrives in the same read as messages and that read ends inside a message: the
 * ping is still the connection's current command when the rest of the message arrives, and its
 * decoder skips that whole reply as the finished command's (seen in a packet capture of the
 * benchmark: one event missing at every subscriber of one node, its bytes on that node's socket, its
 * listener never called, 10 ms after a ping). The kit therefore turns the ping off, also when a
 * Redisson YAML file asks for one; its own subscription check finds a dead subscription instead.
 */
class ConnectionPingIT extends RedisBusTestBase {

    private static final int TOPICS = 8;
    private static final int EVENTS_PER_TOPIC = 4_000;
    /** Long enough that a few hundred bytes of messages are split over several reads. */
    private static final String PADDING = "x".repeat(200);

    @Test
    void aPingAskedForInARedissonYamlFileLosesNoEventOfABusySubscription() throws Exception {
        // Every 50 ms: many pings answered in the middle of the stream (Redisson's default is 30 s).
        Path yaml = redissonYaml("  pingConnectionInterval: 50\n");
        Node subscriber = node(RealtimeConfigs.redisFile(yaml.toString(), prefix, false));
        Node publisher = node();
        for (int t = 0; t < TOPICS; t++) {
            subscriber.subscribe("t" + t);
        }

        List<CompletableFuture<Void>> published = new ArrayList<>();
        for (int i = 0; i < EVENTS_PER_TOPIC; i++) {
            for (int t = 0; t < TOPICS; t++) {
                published.add(publisher.bus.publish("t" + t, i + ":" + PADDING).toCompletableFuture());
            }
        }
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        Map<String, Integer> next = new TreeMap<>();
        Map<String, List<Integer>> missing = new TreeMap<>();
        for (int received = 0; received < TOPICS * EVENTS_PER_TOPIC; ) {
            // A lost event shows as a number skipped; waiting for the rest would only time out.
            String delivery = subscriber.received.poll(Node.TIMEOUT_S, TimeUnit.SECONDS);
            if (delivery == null) {
                break;
            }
            received++;
            String topic = delivery.substring(0, delivery.indexOf('|'));
            int seq = Integer.parseInt(delivery.substring(delivery.indexOf('|') + 1, delivery.indexOf(':')));
            int expected = next.getOrDefault(topic, 0);
            for (int skipped = expected; skipped < seq; skipped++) {
                missing.computeIfAbsent(topic, k -> new ArrayList<>()).add(skipped);
                received++;
            }
            next.put(topic, Math.max(expected, seq + 1));
        }
        Map<String, String> lost = new TreeMap<>();
        missing.forEach((topic, seqs) -> lost.put(topic, seqs.size() + " from " + seqs.get(0)));
        assertEquals(Map.of(), lost, "events lost, by topic");
        for (int t = 0; t < TOPICS; t++) {
            assertEquals(EVENTS_PER_TOPIC, next.getOrDefault("t" + t, 0), "events of t" + t + " delivered");
        }
    }
}
