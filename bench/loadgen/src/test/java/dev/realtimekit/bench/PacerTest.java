package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The fleet and the pacer over a scripted transport: what is sent, expected, blocked; how failures read. */
class PacerTest {

    private static final class FakeLink implements Link {
        final List<String> sent = new ArrayList<>();
        volatile boolean writable = true;

        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public boolean writable() {
            return writable;
        }

        @Override
        public void abort() {
        }
    }

    private static final class FakeTransport implements Transport {
        final List<FakeLink> links = new ArrayList<>();
        final boolean refuse;
        boolean closed;

        FakeTransport(boolean refuse) {
            this.refuse = refuse;
        }

        @Override
        public CompletableFuture<Void> open(URI uri, Connection connection) {
            if (refuse) {
                return CompletableFuture.failedFuture(new IllegalStateException("refused"));
            }
            FakeLink link = new FakeLink();
            links.add(link);
            connection.opened(link);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String refusal(Throwable failure) {
            return failure instanceof IllegalStateException ? "HTTP 401" : null;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void aPublisherThatIsNotWritableIsBlockedNotQueued() throws Exception {
        FakeTransport transport = new FakeTransport(false);
        Counters counters = new Counters();
        Protocol kit = new KitProtocol();
        Fleet fleet = new Fleet(transport, kit, counters, new Topics(2), 3, 6);
        fleet.connect(List.of("ws://h:1/chat/ws/"));
        assertEquals(6, fleet.connected());
        assertEquals(3, fleet.open(1));
        FakeLink publisher0 = transport.links.get(0);
        FakeLink publisher1 = transport.links.get(3);
        publisher1.writable = false;

        Pacer pacer = new Pacer(fleet, kit, counters, 64);
        Window window = pacer.openWindow();
        // 20 messages fall due (one per ms), alternately to group 0 and group 1
        Pacer.Phase phase = pacer.run(System.nanoTime(), 1000, 20_000_000L, window);
        assertEquals(10, phase.sent());
        assertEquals(10, phase.blocked());
        assertTrue(phase.lateFraction() >= 0.5);
        assertEquals(10, window.sent);
        assertEquals(30, window.expected, "3 subscribers of group 0 for each message sent; none for the blocked");
        assertEquals(10, publisher0.sent.size());
        assertEquals(0, publisher1.sent.size());
        assertEquals(0, counters.errors());

        // writable again: group 1 goes on at its first sequence number, nothing was skipped
        publisher1.writable = true;
        pacer.run(System.nanoTime(), 1000, 2_000_000L, window);
        assertTrue(publisher1.sent.get(0).contains("\"text\":\"1.0."), publisher1.sent.get(0));

        fleet.abortAll();
        assertTrue(transport.closed);
    }

    @Test
    void failedHandshakesAreCountedByTheTransportsReading() throws Exception {
        FakeTransport transport = new FakeTransport(true);
        Fleet fleet = new Fleet(transport, new KitProtocol(), new Counters(), new Topics(1), 4, 4);
        fleet.connect(List.of("ws://h:1/chat/ws/"));
        assertEquals(0, fleet.connected());
        assertEquals(4, fleet.failed());
        assertEquals(Map.of("HTTP 401", 4L), fleet.failures());
        assertEquals("timeout after 30 s", Fleet.describe(new java.util.concurrent.TimeoutException(), null));
    }
}
