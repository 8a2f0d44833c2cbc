package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A sender that publishes without waiting for the bus's answers (as the dispatcher does): every event
 * reaches the subscriber on the other node, once, in the order it was published, and every stage
 * completes normally.
 */
class PipelinedPublishIT extends RedisBusTestBase {

    @Test
    void publishesMadeWithoutWaitingArriveInTheirOrder() throws Exception {
        Node sender = node();
        Node receiver = node();
        receiver.subscribe("pipelined");
        sender.subscribe("pipelined");

        int count = 5_000;
        List<CompletableFuture<Void>> stages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            stages.add(sender.bus.publish("pipelined", "e" + i).toCompletableFuture());
        }
        CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(Node.TIMEOUT_S, TimeUnit.SECONDS);

        for (Node node : List.of(receiver, sender)) {
            List<String> received = node.next(count);
            for (int i = 0; i < count; i++) {
                assertEquals("pipelined|e" + i, received.get(i), "delivery " + i);
            }
        }
    }

    @Test
    void twoTopicsPublishedInTurnKeepEachTopicsOrder() throws Exception {
        Node sender = node();
        Node receiver = node();
        receiver.subscribe("left");
        receiver.subscribe("right");

        int count = 2_000;
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            stages.add(sender.bus.publish(i % 2 == 0 ? "left" : "right", "e" + i).toCompletableFuture());
        }
        CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(Node.TIMEOUT_S, TimeUnit.SECONDS);

        List<String> left = new ArrayList<>();
        List<String> right = new ArrayList<>();
        for (String delivery : receiver.next(count)) {
            (delivery.startsWith("left|") ? left : right).add(delivery.substring(delivery.indexOf('|') + 1));
        }
        List<String> expectedLeft = new ArrayList<>();
        List<String> expectedRight = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            (i % 2 == 0 ? expectedLeft : expectedRight).add("e" + i);
        }
        assertEquals(expectedLeft, left);
        assertEquals(expectedRight, right);
    }
}
