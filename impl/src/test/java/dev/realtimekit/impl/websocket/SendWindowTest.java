package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

class SendWindowTest {

    @Test
    void allowsBlockingWritesUntilTheWindowIsFull() {
        SendWindow window = new SendWindow(100);

        assertTrue(window.reserve(60) != SendWindow.REFUSED);
        assertTrue(window.reserve(40) != SendWindow.REFUSED);
        assertFalse(window.reserve(1) != SendWindow.REFUSED, "101 bytes unconfirmed would exceed the window");
        assertEquals(100, window.behind());
    }

    @Test
    void aZeroWindowNeverAllowsBlockingWritesNorPings() {
        SendWindow window = new SendWindow(0);

        assertFalse(window.reserve(1) != SendWindow.REFUSED);
        window.wrote(1_000);
        assertNull(window.pingIfDue(0));
    }

    @Test
    void pingsOnceHalfTheWindowIsUsedAndItsPongConfirmsWhatWasWrittenBeforeIt() {
        SendWindow window = new SendWindow(100);
        assertEquals(SendWindow.RESERVED, window.reserve(49), "under half the window: no ping due");
        assertNull(window.pingIfDue(0), "under half the window: no ping yet");
        assertEquals(SendWindow.RESERVED_PING_DUE, window.reserve(1), "half the window used: the writer is told to ping");

        ByteBuffer ping = window.pingIfDue(0);
        assertNotNull(ping);
        assertEquals(SendWindow.PING_PAYLOAD, ping.remaining());
        assertNull(window.pingIfDue(1), "one ping outstanding at a time");
        assertTrue(window.reserve(30) != SendWindow.REFUSED);

        window.pong(ping.duplicate());

        // The 50 bytes before the ping are confirmed; the ping's own frame and the 30 after it are not.
        assertEquals(30 + SendWindow.frameBytes(SendWindow.PING_PAYLOAD), window.behind());
    }

    @Test
    void aPongThatDoesNotEchoOurPingConfirmsNothing() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(60) != SendWindow.REFUSED);
        ByteBuffer ping = window.pingIfDue(0);
        long behind = window.behind();

        ByteBuffer forged = ByteBuffer.allocate(SendWindow.PING_PAYLOAD).putLong(0, ping.getLong(0) + 1);
        window.pong(forged);
        window.pong(ByteBuffer.allocate(0));
        window.pong(ByteBuffer.allocate(16));
        window.pong(null);

        assertEquals(behind, window.behind());
    }

    @Test
    void anUnsolicitedPongConfirmsNothing() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(80) != SendWindow.REFUSED);

        window.pong(ByteBuffer.allocate(SendWindow.PING_PAYLOAD));

        assertEquals(80, window.behind());
    }

    @Test
    void aPongConfirmsOnlyOnce() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(60) != SendWindow.REFUSED);
        ByteBuffer ping = window.pingIfDue(0);
        window.pong(ping.duplicate());
        assertTrue(window.reserve(60) != SendWindow.REFUSED);
        long behind = window.behind();

        window.pong(ping.duplicate());

        assertEquals(behind, window.behind(), "a replayed pong must not confirm the bytes written after it");
    }

    @Test
    void eachPingHasAFreshPayload() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(60) != SendWindow.REFUSED);
        ByteBuffer first = window.pingIfDue(0);
        window.pong(first.duplicate());
        assertTrue(window.reserve(60) != SendWindow.REFUSED);

        ByteBuffer second = window.pingIfDue(0);

        assertNotEquals(first.getLong(0), second.getLong(0));
    }

    @Test
    void replacesAPingThatWasNeverAnswered() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(60) != SendWindow.REFUSED);
        ByteBuffer first = window.pingIfDue(0);
        assertNull(window.pingIfDue(999_000_000L));

        ByteBuffer second = window.pingIfDue(1_000_000_000L);

        assertNotNull(second);
        window.pong(first.duplicate());
        assertEquals(60 + 2 * SendWindow.frameBytes(SendWindow.PING_PAYLOAD), window.behind(), "the replaced ping confirms nothing");
        window.pong(second.duplicate());
        assertEquals(SendWindow.frameBytes(SendWindow.PING_PAYLOAD), window.behind());
    }

    @Test
    void noPingWhenThePingItselfWouldNotFit() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(95) != SendWindow.REFUSED);

        assertNull(window.pingIfDue(0));
    }

    @Test
    void countsFrameHeadersAndUtf8Bytes() {
        assertEquals(2 + 125, SendWindow.frameBytes(125));
        assertEquals(4 + 126, SendWindow.frameBytes(126));
        assertEquals(10 + 70_000, SendWindow.frameBytes(70_000));
        assertEquals(5, SendWindow.utf8Length("hello"));
        assertEquals("héllo €𝄞".getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                SendWindow.utf8Length("héllo €𝄞"));
    }

    @Test
    void measuresEachTextCorrectlyWhetherOrNotItWasMeasuredJustBefore() {
        String ascii = "x".repeat(100);
        String other = "é".repeat(100);

        assertEquals(SendWindow.frameBytes(100), SendWindow.textFrameBytes(ascii));
        assertEquals(SendWindow.frameBytes(100), SendWindow.textFrameBytes(ascii));
        assertEquals(SendWindow.frameBytes(200), SendWindow.textFrameBytes(other));
        assertEquals(SendWindow.frameBytes(100), SendWindow.textFrameBytes(new String(ascii)));
    }
}
