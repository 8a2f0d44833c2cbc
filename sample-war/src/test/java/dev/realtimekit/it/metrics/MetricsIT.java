package dev.realtimekit.it.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.ChatFrames;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.MetricsEndpoint;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * The kit's instruments in MicroProfile Metrics ({@code mpMetrics-5.1}, {@code /metrics}) on a real
 * Liberty with a real redis-server: they move with real traffic, 1,000 distinct topics add no series,
 * and no topic or user appears in {@code /metrics}.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {

    private static final String PATH = "path=\"/ws/{topic}\"";
    private static final Duration SCRAPE_WAIT = Duration.ofSeconds(10);

    static RedisProcess redis;

    @Deployment(testable = false)
    static WebArchive deployment() throws Exception {
        redis = RedisProcess.start();
        return Deployments.sample("realtime.redis.address=redis://127.0.0.1:" + redis.port() + "\n"
                + "realtime.rate-limit-per-second=0\n");
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    @ArquillianResource
    URL base;

    @Test
    @Order(1)
    void instrumentsMoveWithRealTraffic() throws Exception {
        MetricsEndpoint.Scrape before = MetricsEndpoint.application();
        String room = "random";
        try (WsClient alice = WsClient.connect(base, room, token("alice")).ignoring(ChatFrames.NOTICES);
                WsClient bob = WsClient.connect(base, room, token("bob")).ignoring(ChatFrames.NOTICES)) {
            for (int i = 0; i < 3; i++) {
                alice.send("{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"m" + i + "\"}");
            }
            for (WsClient client : List.of(alice, bob)) {
                for (int i = 0; i < 3; i++) {
                    client.expect("{\"type\":\"message\",\"room\":\"" + room + "\",\"user\":\"alice\",\"text\":\"m" + i + "\"}");
                }
            }
            bob.send("not json");
            bob.expect("{\"type\":\"error\",\"message\":\"Invalid message format\"}");
            assertEquals(401, WsClient.refusedStatus(WsClient.uri(base, room, "not-a-token"), null));

            MetricsEndpoint.Scrape during = awaitScrape(now -> grew(before, now, "realtime_events_delivered_total", 6)
                    && grew(before, now, "realtime_delivery_latency_seconds_count", 3), "deliveries counted");
            assertTrue(grew(before, during, "realtime_connections_opened_total", 2), during.text());
            assertTrue(during.value("realtime_connections_open", PATH) >= 2, during.text());
            assertTrue(grew(before, during, "realtime_messages_received_total", 4), during.text());
            assertTrue(grew(before, during, "realtime_events_published_total", 3, "outcome=\"success\""), during.text());
            assertTrue(grew(before, during, "realtime_publish_latency_seconds_count", 3), during.text());
            assertTrue(grew(before, during, "realtime_handler_time_seconds_count", 3,
                    "method=\"handleBroadcastMessage\"", "outcome=\"success\""), during.text());
            assertTrue(grew(before, during, "realtime_error_frames_total", 1, "reason=\"invalid-format\""), during.text());
            assertTrue(grew(before, during, "realtime_handshakes_refused_total", 1, "status=\"401\""), during.text());
            assertTrue(during.value("realtime_redis_subscriptions", PATH) >= 2, "the room and the node's own channel: " + during.text());
            assertTrue(during.value("realtime_delivery_latency_seconds_max", PATH) < 5,
                    "publish-to-write latency on one machine is far below seconds: " + during.text());
        }
        MetricsEndpoint.Scrape after = awaitScrape(now -> grew(before, now, "realtime_connections_closed_total", 2, "code=\"1000\""),
                "closes counted by code");
        assertEquals(0, after.value("realtime_redis_outages_total", PATH), after.text());
    }

    @Test
    @Order(2)
    void aThousandTopicsAddNoSeriesAndNoTopicOrUserAppears() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        traffic("warm" + run, 10); // every tag value this traffic uses appears once
        MetricsEndpoint.Scrape warm = MetricsEndpoint.application();

        List<String> secrets = traffic("m" + run, 1_000);
        MetricsEndpoint.Scrape after = awaitScrape(now -> now.value("realtime_events_delivered_total", PATH)
                >= warm.value("realtime_events_delivered_total", PATH) + 1_000, "the thousand topics' events counted");

        assertEquals(warm.kitSeries().keySet(), after.kitSeries().keySet(), "1,000 distinct topics added or removed series");
        String all = MetricsEndpoint.scrape(Integer.parseInt(System.getProperty("it.http.port")), "/metrics").text();
        for (String secret : secrets) {
            assertFalse(all.contains(secret), secret + " (a topic, user or user id) appears in /metrics");
        }
    }

    /**
     * Connects 1 user each to {@code users} distinct private rooms ({@code private-user-<their id>}), 50 at a
     * time, sends one message in each and reads it back.
     *
     * @return the rooms, user names and user ids used
     */
    private List<String> traffic(String namePrefix, int users) throws Exception {
        List<String> secrets = new ArrayList<>();
        for (int from = 0; from < users; from += 50) {
            List<WsClient> clients = new ArrayList<>();
            List<String> rooms = new ArrayList<>();
            List<String> names = new ArrayList<>();
            try {
                for (int i = from; i < Math.min(users, from + 50); i++) {
                    String name = namePrefix + "u" + i;
                    String id = UUID.nameUUIDFromBytes(name.getBytes()).toString();
                    String room = "private-user-" + id;
                    clients.add(WsClient.connect(base, room, id + ":" + name).ignoring(ChatFrames.NOTICES));
                    rooms.add(room);
                    names.add(name);
                    secrets.addAll(List.of(room, name, id));
                }
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).send("{\"type\":\"send\",\"room\":\"" + rooms.get(i) + "\",\"text\":\"x\"}");
                }
                for (int i = 0; i < clients.size(); i++) {
                    clients.get(i).expect("{\"type\":\"message\",\"room\":\"" + rooms.get(i) + "\",\"user\":\"" + names.get(i)
                            + "\",\"text\":\"x\"}");
                }
            } finally {
                for (WsClient client : clients) {
                    client.close();
                }
            }
        }
        return secrets;
    }

    private static String token(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes()) + ":" + name;
    }

    private static boolean grew(MetricsEndpoint.Scrape before, MetricsEndpoint.Scrape now, String name, double by, String... labels) {
        String[] withPath = new String[labels.length + 1];
        withPath[0] = PATH;
        System.arraycopy(labels, 0, withPath, 1, labels.length);
        return now.value(name, withPath) - before.value(name, withPath) >= by;
    }

    /** Scrapes until {@code condition} holds (counters are updated as things complete, not all at once). */
    private static MetricsEndpoint.Scrape awaitScrape(Predicate<MetricsEndpoint.Scrape> condition, String what) throws Exception {
        long deadline = System.nanoTime() + SCRAPE_WAIT.toNanos();
        MetricsEndpoint.Scrape scrape = MetricsEndpoint.application();
        while (!condition.test(scrape) && System.nanoTime() < deadline) {
            Thread.sleep(100); // polling the scrape endpoint until the counters caught up
            scrape = MetricsEndpoint.application();
        }
        assertTrue(condition.test(scrape), what + ":\n" + scrape.kitSeries());
        return scrape;
    }
}
