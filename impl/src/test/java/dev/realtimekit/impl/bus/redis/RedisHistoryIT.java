package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.NumberedEvents;

/** History topics on a real Redis: numbering, keeping and publishing in one step, reads, trimming, a lost history. */
class RedisHistoryIT extends RedisBusTestBase {

    private Node historyNode(int size) {
        return node(RealtimeConfigs.redisWithHistory(redis.address(), prefix, "room-*", size));
    }

    @Test
    void eventsOfTwoPublishingNodesAreNumberedInTheOrderEveryNodeReceivesThem() throws Exception {
        Node a = historyNode(100);
        Node b = historyNode(100);
        a.subscribe("room-1");
        b.subscribe("room-1");
        List<CompletableFuture<Void>> published = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            published.add(((i % 2 == 0) ? a : b).bus.publish("room-1", "{\"i\":" + i + "}").toCompletableFuture());
        }
        CompletableFuture.allOf(published.toArray(CompletableFuture[]::new)).get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        List<String> seenByA = a.next(40);
        assertEquals(seenByA, b.next(40), "both nodes see one order");
        String epoch = NumberedEvents.read(seenByA.get(0).substring("room-1|".length())).epoch();
        for (int i = 0; i < 40; i++) {
            NumberedEvents.Numbered event = NumberedEvents.read(seenByA.get(i).substring("room-1|".length()));
            assertNotNull(event, seenByA.get(i));
            assertEquals(epoch, event.epoch());
            assertEquals(i + 1, event.seq(), "numbered without holes in delivery order");
        }
        HistoryPage page = a.bus.readHistory("room-1", 30).toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(epoch, page.epoch());
        assertEquals(40, page.last());
        assertEquals(List.of(31L, 32L, 33L, 34L, 35L, 36L, 37L, 38L, 39L, 40L),
                page.entries().stream().map(HistoryPage.Entry::seq).toList());
        for (HistoryPage.Entry entry : page.entries()) {
            String delivered = seenByA.get((int) entry.seq() - 1).substring("room-1|".length());
            assertEquals(NumberedEvents.read(delivered).payload(), entry.payload(), "kept as delivered");
        }
        HistoryPage position = b.bus.readHistory("room-1", Long.MAX_VALUE).toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(40, position.last());
        assertTrue(position.entries().isEmpty(), "a position-only read carries no events");
    }

    @Test
    void theHistoryKeepsTheLastEventsOnlyAndTopicsWithoutHistoryStayPlain() throws Exception {
        Node node = historyNode(5);
        node.subscribe("room-2");
        node.subscribe("lobby");
        for (int i = 1; i <= 12; i++) {
            node.publish("room-2", "{\"i\":" + i + "}");
        }
        node.publish("lobby", "{\"plain\":true}");
        // Two channels may reach the node over different connections: no order between them.
        List<String> received = node.next(13);
        assertEquals(List.of("lobby|{\"plain\":true}"), received.stream().filter(d -> d.startsWith("lobby|")).toList());
        assertEquals(12, received.stream().filter(d -> d.startsWith("room-2|" + NumberedEvents.MARKER)).count());
        HistoryPage page = node.bus.readHistory("room-2", 0).toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(List.of(8L, 9L, 10L, 11L, 12L), page.entries().stream().map(HistoryPage.Entry::seq).toList());
        assertEquals("{\"i\":8}", page.entries().get(0).payload());
    }

    @Test
    void aLostHistoryStartsANewEpochAndAFreshTopicStartsAtZero() throws Exception {
        Node node = historyNode(100);
        HistoryPage fresh = node.bus.readHistory("room-3", 0).toCompletableFuture().get(Node.TIMEOUT_S, TimeUnit.SECONDS);
        assertEquals(0, fresh.last());
        node.subscribe("room-3");
        node.publish("room-3", "{\"i\":1}");
        NumberedEvents.Numbered first = NumberedEvents.read(node.next().substring("room-3|".length()));
        assertEquals(fresh.epoch(), first.epoch(), "the read's epoch is the one the first event gets");
        assertEquals(1, first.seq());
        redis.cli("FLUSHALL");
        node.publish("room-3", "{\"i\":2}");
        NumberedEvents.Numbered afterFlush = NumberedEvents.read(node.next().substring("room-3|".length()));
        assertNotEquals(first.epoch(), afterFlush.epoch());
        assertEquals(1, afterFlush.seq());
    }
}
