package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Order, duplicate and loss accounting of subscribers in a window, without sockets. */
class InboxTest {

    private static String frame(int publisher, long seq, long sendNanos) {
        return new KitProtocol().sendFrame("t", Payload.encode(publisher, seq, sendNanos, 64))
                .replace("\"type\":\"send\"", "\"type\":\"message\",\"user\":\"u0\"");
    }

    @Test
    void countsDeliveriesDuplicatesOutOfOrderAndLoss() {
        Window w = new Window(new long[] {10});
        // the publisher sent seqs 10..14 to a topic with two subscribers
        w.sent = 5;
        w.expected = 10;
        Inbox a = new Inbox();
        Inbox b = new Inbox();
        for (long seq = 10; seq < 15; seq++) {
            assertTrue(a.onMessage(frame(0, seq, 0), w, 1_000));
        }
        // b: 10, 12, 11 (out of order), 12 again (duplicate), 14; 13 never arrives
        for (long seq : new long[] {10, 12, 11, 12, 14}) {
            assertTrue(b.onMessage(frame(0, seq, 0), w, 1_000));
        }
        assertEquals(9, w.delivered.sum());
        assertEquals(1, w.duplicated.sum());
        assertEquals(1, w.outOfOrder.sum());
        assertEquals(1, w.lost());
        assertEquals(9, w.latency.count());
        assertEquals(1_000, w.latency.max());
    }

    @Test
    void aFrameOfTheLastWindowArrivingAfterItClosedCountsNowhereButIsNoLongerMissing() {
        Window w = new Window(new long[] {0});
        w.expected = 3;
        Inbox a = new Inbox();
        a.onMessage(frame(0, 0, 0), w, 1);
        a.onMessage(frame(0, 2, 0), w, 1);
        java.util.List<Long> missing = new java.util.ArrayList<>();
        a.missing(w, 0, 3, missing::add);
        assertEquals(java.util.List.of(1L), missing);

        assertTrue(a.onMessage(frame(0, 1, 0), null, 1)); // after the window: late

        missing.clear();
        a.missing(w, 0, 3, missing::add);
        assertEquals(java.util.List.of(), missing);
        assertEquals(2, w.delivered.sum(), "a late frame is not a delivery of the window");
        assertEquals(1, w.lost());
    }

    @Test
    void aSubscriberThatGotNothingLacksTheWholeWindow() {
        Window w = new Window(new long[] {4});
        java.util.List<Long> missing = new java.util.ArrayList<>();
        new Inbox().missing(w, 0, 7, missing::add);
        assertEquals(java.util.List.of(4L, 5L, 6L), missing);
    }

    @Test
    void warmupAndEarlierWindowsDoNotCount() {
        Inbox a = new Inbox();
        assertTrue(a.onMessage(frame(0, 0, 0), null, 5)); // warm-up: parsed, not counted
        Window first = new Window(new long[] {1});
        assertTrue(a.onMessage(frame(0, 1, 0), first, 5));
        assertTrue(a.onMessage(frame(0, 2, 0), first, 5));
        Window second = new Window(new long[] {3});
        assertTrue(a.onMessage(frame(0, 2, 0), second, 5)); // a straggler of the first window
        assertTrue(a.onMessage(frame(0, 3, 0), second, 5));
        assertEquals(2, first.delivered.sum());
        assertEquals(1, second.delivered.sum());
        assertEquals(0, second.duplicated.sum());
        assertEquals(0, second.outOfOrder.sum());
    }

    @Test
    void tracksEachPublisherSeparately() {
        Window w = new Window(new long[] {0, 0});
        Inbox a = new Inbox();
        a.onMessage(frame(0, 5, 0), w, 1);
        a.onMessage(frame(1, 0, 0), w, 1); // lower seq, but another publisher: in order
        assertEquals(0, w.outOfOrder.sum());
        assertEquals(2, w.delivered.sum());
    }

    @Test
    void framesThatAreNotOursAreRefused() {
        Window w = new Window(new long[] {0});
        Inbox a = new Inbox();
        assertFalse(a.onMessage("{\"type\":\"message\",\"text\":\"hi\"}", w, 1));
        assertFalse(a.onMessage(frame(5, 0, 0), w, 1)); // unknown publisher
        assertEquals(0, w.delivered.sum());
    }

    @Test
    void latencyIsReceiveMinusSendTime() {
        Window w = new Window(new long[] {0});
        Inbox a = new Inbox();
        a.onMessage(frame(0, 0, -2_000_000), w, 3_000_000);
        assertEquals(5_000_000, w.latency.max());
    }
}
