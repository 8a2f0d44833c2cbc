package dev.realtimekit.it.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.ChatFrames;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.StalledClient;
import dev.realtimekit.it.support.WsClient;

/**
 * The outbound path on a real Liberty: frames big and many enough to fill the clients' send windows
 * and socket buffers, so that blocking and asynchronous writes both happen, and a client that stops
 * reading.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DeliveryIT {

    /** Bursts stay under realtime.max-pending-messages (64), so no message is refused. */
    private static final int BURST = 50;

    /**
     * The publishers here send thousands of messages as fast as they come back: no rate limit. The
     * send window is the default 8 KiB, so that blocking and asynchronous writes both happen.
     */
    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.sample("realtime.rate-limit-per-second=0\n");
    }

    @ArquillianResource
    URL base;

    @Test
    void everySubscriberGetsOnePublishersEventsInOrder() throws Exception {
        String topic = "private-user-" + UUID.randomUUID();
        String owner = topic.substring("private-user-".length());
        List<WsClient> subscribers = new ArrayList<>();
        try (WsClient publisher = WsClient.connect(base, topic, owner + ":publisher").ignoring(ChatFrames.NOTICES)) {
            for (int i = 0; i < 4; i++) {
                subscribers.add(WsClient.connect(base, topic, owner + ":s" + i).ignoring(ChatFrames.NOTICES));
            }
            int messages = 400;
            String padding = "x".repeat(2_000);
            for (int sent = 0; sent < messages; ) {
                int burstEnd = Math.min(messages, sent + BURST);
                for (; sent < burstEnd; sent++) {
                    publisher.send(send(topic, sent + ":" + padding));
                }
                assertTrue(publisher.awaitFrame(message(topic, "publisher", (burstEnd - 1) + ":" + padding), WsClient.TIMEOUT),
                        "the publisher's own message " + (burstEnd - 1) + " came back");
            }
            for (WsClient subscriber : subscribers) {
                List<String> received = subscriber.next(messages);
                for (int i = 0; i < messages; i++) {
                    assertEquals(message(topic, "publisher", i + ":" + padding), received.get(i), "frame " + i);
                }
            }
        } finally {
            for (WsClient subscriber : subscribers) {
                subscriber.close();
            }
        }
    }

    @Test
    void aClientThatKeepsUpIsPingedEveryHalfWindowBecauseItsPongsReopenTheWindow() throws Exception {
        String topic = "private-user-" + UUID.randomUUID();
        String owner = topic.substring("private-user-".length());
        try (WsClient alice = WsClient.connect(base, topic, owner + ":alice").ignoring(ChatFrames.NOTICES)) {
            String padding = "z".repeat(2_000);
            int bursts = 20;
            for (int burst = 0; burst < bursts; burst++) {
                // 6 KB: within the 8 KB window; once half of it is used the server pings.
                for (int i = 0; i < 3; i++) {
                    alice.send(send(topic, burst + "." + i + ":" + padding));
                }
                for (int i = 0; i < 3; i++) {
                    assertEquals(message(topic, "alice", burst + "." + i + ":" + padding), alice.next());
                }
                // The burst's ping comes right after its frames, and a ping is only sent when no other
                // is waiting for its pong: without pongs that reopen the window, the second burst's ping
                // would come a second later at the earliest (a stale ping is replaced after 1 s).
                assertTrue(alice.awaitPings(burst + 1, Duration.ofMillis(500)), "ping " + (burst + 1) + " arrived; pings: " + alice.pings());
                // A round trip after the pong went out: the server has read it before the next burst.
                alice.expectNothingBeforePong();
            }
        }
    }

    @Test
    void aClientThatStopsReadingDelaysNobodyAndIsDisconnected() throws Exception {
        String topic = "private-user-" + UUID.randomUUID();
        String owner = topic.substring("private-user-".length());
        try (StalledClient stalled = StalledClient.connect(WsClient.uri(base, topic, owner + ":stalled"));
                WsClient alice = WsClient.connect(base, topic, owner + ":alice").ignoring(ChatFrames.NOTICES)) {
            // 3,000 frames of 4 KB (12 MB): more than the stalled client's send queue (1,024 frames) and the
            // socket buffers together (Linux grows a loopback send buffer up to 4 MB).
            int messages = 3_000;
            String padding = "y".repeat(4_000);
            for (int sent = 0; sent < messages; ) {
                int burstEnd = Math.min(messages, sent + BURST);
                for (; sent < burstEnd; sent++) {
                    alice.send(send(topic, sent + ":" + padding));
                }
                // Every fan-out also writes to the stalled client: if that held the thread, this would time out.
                for (int i = burstEnd - BURST; i < burstEnd; i++) {
                    assertEquals(message(topic, "alice", i + ":" + padding), alice.next(), "alice's frame " + i);
                }
            }

            StalledClient.Ending ending = stalled.readUntilClosed(Duration.ofSeconds(40));
            assertTrue(ending.textFrames() < messages, "the stalled client was dropped, not buffered for: " + ending);
            assertTrue(ending.closeCode() == 1008 || ending.closeCode() == 1011 || ending.closeCode() == 1001
                    || ending.closeCode() == StalledClient.Ending.NO_CLOSE_FRAME,
                    "closed as too slow, or timed out (a write, or its keep-alive ping): " + ending);
            alice.expectNothingBeforePong();
        }
    }

    @Test
    void aClientBehindByAFewHugeFramesIsDisconnectedLongBeforeItsFrameLimit() throws Exception {
        String topic = "private-user-" + UUID.randomUUID();
        String owner = topic.substring("private-user-".length());
        try (StalledClient stalled = StalledClient.connect(WsClient.uri(base, topic, owner + ":stalled"));
                WsClient alice = WsClient.connect(base, topic, owner + ":alice").ignoring(ChatFrames.NOTICES)) {
            // 200 frames of 60 KB (12 MB): a fifth of the 1,024-frame queue, but more than the socket
            // buffers (up to 4 MB on loopback) and realtime.send-queue-bytes (1 MiB) together.
            int messages = 200;
            int burst = 20;
            String padding = "h".repeat(60_000);
            for (int sent = 0; sent < messages; ) {
                int burstEnd = Math.min(messages, sent + burst);
                for (; sent < burstEnd; sent++) {
                    alice.send(send(topic, sent + ":" + padding));
                }
                for (int i = burstEnd - burst; i < burstEnd; i++) {
                    assertEquals(message(topic, "alice", i + ":" + padding), alice.next(), "alice's frame " + i);
                }
            }

            StalledClient.Ending ending = stalled.readUntilClosed(Duration.ofSeconds(40));
            assertEquals(1008, ending.closeCode(), "closed as too slow, by bytes: " + ending);
            assertTrue(ending.textFrames() < messages, ending.toString());
            alice.expectNothingBeforePong();
        }
    }

    private static String send(String topic, String text) {
        return "{\"type\":\"send\",\"room\":\"" + topic + "\",\"text\":\"" + text + "\"}";
    }

    private static String message(String topic, String user, String text) {
        return "{\"type\":\"message\",\"room\":\"" + topic + "\",\"user\":\"" + user + "\",\"text\":\"" + text + "\"}";
    }
}
