package dev.realtimekit.it.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.realtimekit.it.cluster.SampleCluster;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * Recovery after reconnect on two real sample nodes (cluster.sh) sharing a redis-server of the test's
 * own, with history on for the sample's rooms: a client dropped mid-stream gets exactly what it missed
 * on either node, positions the history no longer holds and a Redis restart without persistence are
 * answered with resync (never silence). History is on for {@code general} and the private rooms, off
 * for {@code random}. {@link ReconnectStormIT} counts the reads of a reconnect storm.
 */
class HistoryIT {

    /** Small, so that a test can outrun it. */
    private static final int HISTORY_SIZE = 30;
    private static RedisProcess redis;
    private static SampleCluster cluster;
    private static URL nodeA;
    private static URL nodeB;

    @BeforeAll
    static void startCluster() throws Exception {
        redis = RedisProcess.start();
        cluster = SampleCluster.start("history-it", Map.of("REDIS_URL", redis.address(),
                "REALTIME_HISTORY_TOPICS", "general,private-user-*",
                "REALTIME_HISTORY_SIZE", String.valueOf(HISTORY_SIZE)));
        nodeA = cluster.node(0);
        nodeB = cluster.node(1);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        SampleCluster.stop(cluster, redis);
    }

    @Test
    void aClientDroppedMidStreamGetsEveryMissedEventOnceInOrderThenLiveOnes() throws Exception {
        String room = "general";
        try (WsClient bob = connect(nodeB, room, "bob", null)) {
            Position bobAt = position(bob.next());
            WsClient alice = connect(nodeA, room, "alice", null);
            Position aliceAt = position(alice.next());
            for (int i = 1; i <= 5; i++) {
                bob.send(send(room, "before-" + i));
            }
            aliceAt = readUntilMessage(alice, "before-5", aliceAt).position();
            alice.abort(); // no close frame, as a network failure
            for (int i = 1; i <= 12; i++) {
                bob.send(send(room, "missed-" + i));
            }
            bobAt = readUntilMessage(bob, "missed-12", bobAt).position();

            try (WsClient back = connect(nodeB, room, "alice", aliceAt)) {
                List<JsonObject> replayed = new ArrayList<>();
                JsonObject frame = json(back.next());
                while (frame.getString("type").equals("event")) {
                    replayed.add(frame);
                    frame = json(back.next());
                }
                assertEquals("recovered", frame.getString("type"), frame.toString());
                assertEquals(replayed.size(), frame.getInt("replayed"));
                long seq = aliceAt.seq();
                for (JsonObject event : replayed) {
                    assertEquals(aliceAt.epoch(), event.getString("epoch"));
                    assertEquals(++seq, event.getJsonNumber("seq").longValue(), "every number once, in order: " + replayed);
                }
                assertEquals(seq, frame.getJsonNumber("seq").longValue());
                List<String> missed = texts(replayed);
                assertEquals(List.of("missed-1", "missed-2", "missed-3", "missed-4", "missed-5", "missed-6", "missed-7",
                        "missed-8", "missed-9", "missed-10", "missed-11", "missed-12"), missed);
                assertTrue(seq >= bobAt.seq(), "recovered up to what bob has seen: " + seq + " < " + bobAt.seq());

                bob.send(send(room, "live"));
                Delivery live = readUntilMessage(back, "live", new Position(aliceAt.epoch(), seq));
                assertEquals(List.of("live"), live.texts(), "nothing replayed twice before the live one");
            }
        }
    }

    @Test
    void aPositionOlderThanTheHistoryGetsResyncThenLiveEvents() throws Exception {
        String owner = UUID.randomUUID().toString();
        String room = "private-user-" + owner;
        try (WsClient bob = WsClient.connect(nodeA, room, owner + ":bob")) {
            Position bobAt = position(bob.next());
            WsClient alice = WsClient.connect(nodeB, room, owner + ":alice");
            Position aliceAt = position(alice.next());
            bobAt = readUntilNotice(bob, bobAt); // alice joined
            alice.abort();
            for (int i = 1; i <= HISTORY_SIZE + 10; i++) {
                bob.send(send(room, "flood-" + i));
            }
            bobAt = readUntilMessage(bob, "flood-" + (HISTORY_SIZE + 10), bobAt).position();
            try (WsClient back = WsClient.connect(URI.create(WsClient.uri(nodeA, room, owner + ":alice") + "&since=" + aliceAt.text()), Map.of())) {
                JsonObject resync = json(back.next());
                assertEquals("resync", resync.getString("type"), resync.toString());
                assertEquals("expired", resync.getString("reason"));
                assertEquals(aliceAt.epoch(), resync.getString("epoch"));
                bob.send(send(room, "after"));
                Delivery after = readUntilMessage(back, "after", new Position(resync.getString("epoch"),
                        resync.getJsonNumber("seq").longValue()));
                assertEquals(List.of("after"), after.texts());
            }
        }
    }

    @Test
    void aMalformedPositionIs400AndAPositionOnATopicWithoutHistoryIsAnsweredWithNoHistory() throws Exception {
        String token = UUID.randomUUID() + ":carol";
        assertEquals(400, WsClient.refusedStatus(URI.create(WsClient.uri(nodeA, "general", token) + "&since=nope"), null));
        try (WsClient carol = WsClient.connect(URI.create(WsClient.uri(nodeA, "random", token) + "&since=Abc:3"), Map.of())) {
            assertEquals("{\"type\":\"resync\",\"topic\":\"random\",\"reason\":\"no-history\"}", carol.next());
            carol.send(send("random", "plain"));
            assertEquals("{\"type\":\"message\",\"room\":\"random\",\"user\":\"carol\",\"text\":\"plain\"}",
                    nextSkipping(carol, "joined", "left"), "the topic's frames stay bare");
        }
        try (WsClient dave = connect(nodeA, "general", "dave", null)) {
            position(dave.next());
            dave.send("{\"type\":\"subscribe\",\"topic\":\"random\",\"since\":\"not a position\",\"id\":7}");
            assertEquals("{\"type\":\"error\",\"message\":\"Bad Request\",\"topic\":\"random\",\"status\":400,\"id\":7}",
                    nextSkipping(dave, "event"));
            dave.send("{\"type\":\"subscribe\",\"topic\":\"random\",\"since\":\"Abc:3\",\"id\":8}");
            assertEquals("{\"type\":\"resync\",\"topic\":\"random\",\"reason\":\"no-history\"}", nextSkipping(dave, "event"));
            assertEquals("{\"type\":\"subscribed\",\"topic\":\"random\"}", nextSkipping(dave, "event"));
        }
    }

    /** @return the next frame whose type is none of these (other tests' clients come and go in the shared rooms) */
    private static String nextSkipping(WsClient client, String... types) throws Exception {
        while (true) {
            String text = client.next();
            if (!List.of(types).contains(json(text).getString("type"))) {
                return text;
            }
        }
    }

    @Test
    void aRedisRestartWithoutPersistenceIsAResyncOnBothNodesWithoutWaitingForAnEvent() throws Exception {
        String room = "private-user-" + UUID.randomUUID();
        String owner = room.substring("private-user-".length());
        try (WsClient onA = WsClient.connect(nodeA, room, owner + ":alice"); WsClient onB = WsClient.connect(nodeB, room, owner + ":alice")) {
            Position a = position(onA.next());
            Position b = position(onB.next());
            onA.send(send(room, "before"));
            a = readUntilMessage(onA, "before", a).position();
            b = readUntilMessage(onB, "before", b).position();
            assertEquals(a, b);
            redis.kill();
            redis.restart(); // empty: no persistence
            // Nobody publishes: each node notices its subscription was interrupted and compares with the history.
            for (WsClient client : List.of(onA, onB)) {
                JsonObject resync = nextNonNotice(client, Duration.ofSeconds(40));
                assertEquals("resync", resync.getString("type"), resync.toString());
                assertEquals("epoch-changed", resync.getString("reason"));
                assertNotEquals(a.epoch(), resync.getString("epoch"));
            }
            // Publishing works again once Redis answered; the next event follows on from the resync.
            JsonObject after = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (after == null && System.nanoTime() < deadline) {
                onA.send(send(room, "after"));
                String text = onA.nextWithin(Duration.ofSeconds(2));
                if (text != null && json(text).getString("type").equals("event")) {
                    after = json(text);
                }
            }
            assertNotNull(after, "a message went through within 30 s of the restart");
            JsonObject onBAfter = nextNonNotice(onB, Duration.ofSeconds(10));
            assertEquals(after, onBAfter, "the same event, numbered alike, on both nodes");
            assertEquals(1, after.getJsonNumber("seq").longValue(), "the new epoch's first event: " + after);
            // A client that was away through the restart comes back with its old position.
            try (WsClient back = WsClient.connect(URI.create(WsClient.uri(nodeB, room, owner + ":alice") + "&since=" + a.text()), Map.of())) {
                JsonObject resync = json(back.next());
                assertEquals("resync", resync.getString("type"), resync.toString());
                assertEquals("epoch-changed", resync.getString("reason"));
                assertEquals(after.getString("epoch"), resync.getString("epoch"));
                assertEquals(1, resync.getJsonNumber("seq").longValue(), "it stands after the new epoch's first event");
            }
        }
    }

    /** Reads the next frame, a join or leave notice following on from the position. */
    private static Position readUntilNotice(WsClient client, Position from) throws Exception {
        JsonObject frame = json(client.next());
        long seq = frame.getJsonNumber("seq").longValue();
        assertTrue(seq > from.seq(), frame.toString());
        assertTrue(isNotice(frame), frame.toString());
        return new Position(from.epoch(), seq);
    }

    private static JsonObject nextNonNotice(WsClient client, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String text = client.nextWithin(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            assertNotNull(text, "no frame within " + within);
            JsonObject frame = json(text);
            if (!frame.getString("type").equals("event") || !isNotice(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no frame within " + within);
    }

    private static boolean isNotice(JsonObject event) {
        String type = event.getJsonObject("event").getString("type", "");
        return type.equals("joined") || type.equals("left");
    }

    /**
     * Events received up to a chat message, checked to follow on from a position in order, each once.
     * Numbers may be missing: an event that skips its sender (the sample's join notice) skips it.
     */
    private record Delivery(List<JsonObject> events, Position position) {
        List<String> texts() {
            return HistoryIT.texts(events);
        }
    }

    private static Delivery readUntilMessage(WsClient client, String text, Position from) throws Exception {
        List<JsonObject> events = new ArrayList<>();
        long seq = from.seq();
        while (true) {
            JsonObject frame = json(client.next());
            assertEquals("event", frame.getString("type"), frame.toString());
            assertEquals(from.epoch(), frame.getString("epoch"));
            long got = frame.getJsonNumber("seq").longValue();
            assertTrue(got > seq, "in order, nothing twice: " + frame + " after " + seq);
            seq = got;
            events.add(frame);
            JsonObject event = frame.getJsonObject("event");
            if (event.getString("type").equals("message") && event.getString("text").equals(text)) {
                return new Delivery(events, new Position(from.epoch(), seq));
            }
        }
    }

    private static List<String> texts(List<JsonObject> events) {
        return events.stream().map(e -> e.getJsonObject("event")).filter(e -> e.getString("type").equals("message"))
                .map(e -> e.getString("text")).toList();
    }

    private record Position(String epoch, long seq) {
        String text() {
            return epoch + ":" + seq;
        }
    }

    /** @return the position a subscribed (or recovered, or resync) frame gives */
    private static Position position(String text) {
        JsonObject frame = json(text);
        assertTrue(List.of("subscribed", "recovered", "resync").contains(frame.getString("type")), text);
        return new Position(frame.getString("epoch"), frame.getJsonNumber("seq").longValue());
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static WsClient connect(URL node, String room, String name, Position since) throws Exception {
        URI uri = WsClient.uri(node, room, UUID.randomUUID() + ":" + name);
        if (since != null) {
            uri = URI.create(uri + "&since=" + URLEncoder.encode(since.text(), StandardCharsets.UTF_8));
        }
        return WsClient.connect(uri, Map.of());
    }

    private static String send(String room, String text) {
        return "{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"" + text + "\"}";
    }
}
