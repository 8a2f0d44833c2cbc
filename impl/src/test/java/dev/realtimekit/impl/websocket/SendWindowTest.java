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

    private static final long PING = SendWindow.PING_FRAME;

    @Test
    void allowsBlockingWritesUntilOnlyRoomForAPingIsLeft() {
        SendWindow window = new SendWindow(100);

        assertTrue(window.reserve(60));
        assertTrue(window.reserve(40 - PING));
        assertFalse(window.reserve(1), "the ping's room stays free");
        assertEquals(100 - PING, window.behind());
        assertNotNull(window.pingIfDue(true), "a ping always fits");
    }

    @Test
    void aFrameLargerThanTheWindowNeverFits() {
        SendWindow window = new SendWindow(100);

        assertTrue(window.fits(100 - PING));
        assertFalse(window.fits(100 - PING + 1));
    }

    @Test
    void aZeroWindowNeverAllowsBlockingWritesNorPings() {
        SendWindow window = new SendWindow(0);

        assertFalse(window.fits(1));
        assertFalse(window.reserve(1));
        window.wrote(1_000);
        assertNull(window.pingIfDue(true));
    }

    @Test
    void pingsOnceHalfTheWindowIsUsedAndItsPongConfirmsWhatWasWrittenBeforeIt() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(49));
        assertNull(window.pingIfDue(false), "under half the window: no ping yet");
        assertTrue(window.reserve(1));

        ByteBuffer ping = window.pingIfDue(false);
        assertNotNull(ping);
        assertEquals(SendWindow.PING_PAYLOAD, ping.remaining());
        assertTrue(window.pingOutstanding());
        assertNull(window.pingIfDue(true), "one ping outstanding at a time");
        assertTrue(window.reserve(30));

        assertTrue(window.pong(ping.duplicate()));

        assertFalse(window.pingOutstanding());
        // The 50 bytes before the ping are confirmed; the ping's own frame and the 30 after it are not.
        assertEquals(30 + PING, window.behind());
    }

    @Test
    void pingsAtOnceWhenAFrameIsWaiting() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(10));

        assertNotNull(window.pingIfDue(true));
    }

    @Test
    void aPongThatDoesNotEchoOurPingConfirmsNothing() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(60));
        ByteBuffer ping = window.pingIfDue(false);
        long behind = window.behind();

        ByteBuffer forged = ByteBuffer.allocate(SendWindow.PING_PAYLOAD).putLong(0, ping.getLong(0) + 1);
        assertFalse(window.pong(forged));
        assertFalse(window.pong(ByteBuffer.allocate(0)));
        assertFalse(window.pong(ByteBuffer.allocate(16)));
        assertFalse(window.pong(null));

        assertEquals(behind, window.behind());
        assertTrue(window.pingOutstanding());
    }

    @Test
    void anUnsolicitedPongConfirmsNothing() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(80));

        assertFalse(window.pong(ByteBuffer.allocate(SendWindow.PING_PAYLOAD)));

        assertEquals(80, window.behind());
    }

    @Test
    void aPongConfirmsOnlyOnce() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(60));
        ByteBuffer ping = window.pingIfDue(false);
        assertTrue(window.pong(ping.duplicate()));
        assertTrue(window.reserve(60));
        long behind = window.behind();

        assertFalse(window.pong(ping.duplicate()));

        assertEquals(behind, window.behind(), "a replayed pong must not confirm the bytes written after it");
    }

    @Test
    void eachPingHasAFreshPayload() {
        SendWindow window = new SendWindow(100);
        assertTrue(window.reserve(60));
        ByteBuffer first = window.pingIfDue(false);
        window.pong(first.duplicate());
        assertTrue(window.reserve(60));

        ByteBuffer second = window.pingIfDue(false);

        assertNotEquals(first.getLong(0), second.getLong(0));
    }

    @Test
    void bytesWrittenAsynchronouslyLeaveNoRoomForBlockingWrites() {
        SendWindow window = new SendWindow(100);
        window.wrote(200);

        assertFalse(window.reserve(1));
        assertNull(window.pingIfDue(true), "not even a ping: the socket buffer may be full");
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
