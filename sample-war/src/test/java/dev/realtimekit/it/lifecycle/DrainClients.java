package dev.realtimekit.it.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.realtimekit.it.support.WsClient;

/** Clients connected to a deployment of the recording handler, and what a drain must do to them. */
final class DrainClients {

    final List<WsClient> clients = new ArrayList<>();
    final String prefix;

    private DrainClients(String prefix) {
        this.prefix = prefix;
    }

    /** Connects {@code count} clients (users prefix-0 ...), each proven open by an echo. */
    static DrainClients connect(URL base, String prefix, int count) throws Exception {
        DrainClients drain = new DrainClients(prefix);
        for (int i = 0; i < count; i++) {
            WsClient client = WsClient.connect(base, "room", prefix + i);
            drain.clients.add(client);
            client.send("{\"text\":\"" + prefix + i + "\"}");
            assertTrue(client.awaitFrame("{\"text\":\"" + prefix + i + "\"}", WsClient.TIMEOUT), "client " + i + " is open");
        }
        return drain;
    }

    /**
     * Asserts that every client was closed with 1012 within the window (plus slack for a loaded
     * machine) after {@code startNanos}, not all in its first 10%, and spread over at least half of it.
     *
     * @return when the first close arrived ({@link System#nanoTime})
     */
    long assertClosedWith1012SpreadOver(long startNanos, long windowMs) throws Exception {
        List<Long> afterMs = new ArrayList<>();
        for (WsClient client : clients) {
            assertEquals(1012, client.awaitCloseCode(), "Service Restart");
            afterMs.add(TimeUnit.NANOSECONDS.toMillis(client.closedAtNanos() - startNanos));
        }
        afterMs.sort(null);
        System.out.println("Drain of " + clients.size() + " clients over " + windowMs + " ms: closes at " + afterMs + " ms");
        long first = afterMs.get(0);
        long last = afterMs.get(afterMs.size() - 1);
        assertTrue(first >= 0, "no close before the drain began: " + afterMs);
        assertTrue(last <= windowMs + 1_500, "every close within the window: " + afterMs);
        assertTrue(afterMs.stream().anyMatch(ms -> ms > windowMs / 10), "not all in the first 10%: " + afterMs);
        assertTrue(last - first >= windowMs / 2, "spread over the window, not at one instant: " + afterMs);
        return startNanos + TimeUnit.MILLISECONDS.toNanos(first);
    }
}
