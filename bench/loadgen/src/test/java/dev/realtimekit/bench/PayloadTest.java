package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PayloadTest {

    @Test
    void encodesToTheRequestedLength() {
        String p = Payload.encode(3, 17, 123456789L, 64);
        assertEquals(64, p.length());
        assertTrue(p.startsWith("3.17.123456789."), p);
        assertTrue(p.substring("3.17.123456789.".length()).chars().allMatch(c -> c == 'x'), p);
    }

    @Test
    void neverTruncatesTheNumbers() {
        String p = Payload.encode(12, 3456, -987654321987L, 8);
        assertEquals("12.3456.-987654321987.", p);
    }

    @Test
    void parsesAKitFrame() {
        String payload = Payload.encode(7, 42, -5_000_000_000L, 64);
        String frame = "{\"type\":\"message\",\"room\":\"private-user-x\",\"user\":\"u3\",\"text\":\"" + payload + "\"}";
        Payload.Parsed out = new Payload.Parsed();
        assertTrue(Payload.parse(frame, out));
        assertEquals(7, out.publisher);
        assertEquals(42, out.seq);
        assertEquals(-5_000_000_000L, out.sendNanos);
    }

    @Test
    void parsesASocketIoFrameWithFieldsInAnotherOrder() {
        String payload = Payload.encode(0, 0, 99, 32);
        String frame = "42[\"message\",{\"text\":\"" + payload + "\",\"type\":\"message\",\"room\":\"r\",\"user\":\"u0\"}]";
        Payload.Parsed out = new Payload.Parsed();
        assertTrue(Payload.parse(frame, out));
        assertEquals(0, out.publisher);
        assertEquals(0, out.seq);
        assertEquals(99, out.sendNanos);
    }

    @Test
    void rejectsFramesWithoutOurPayload() {
        Payload.Parsed out = new Payload.Parsed();
        assertFalse(Payload.parse("{\"type\":\"error\",\"message\":\"Too many pending messages\"}", out));
        assertFalse(Payload.parse("{\"type\":\"message\",\"text\":\"hello\"}", out));
        assertFalse(Payload.parse("{\"type\":\"message\",\"text\":\"1.2\"}", out));
        assertFalse(Payload.parse("{\"type\":\"message\",\"text\":\"1.-2.3.\"}", out));
        assertFalse(Payload.parse("{\"type\":\"message\",\"text\":\"1.2.3", out));
    }
}
