package dev.realtimekit.impl.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BusMessagesTest {

    @Test
    void anExcludingEventNamesTheConnectionAndKeepsTheFrameIntact() {
        BusMessages.Decoded decoded = BusMessages.excluded(BusMessages.excluding("c-1", "{\"a\":\"1:x\"}"));

        assertEquals("c-1", decoded.target());
        assertEquals("{\"a\":\"1:x\"}", decoded.frame());
    }

    @Test
    void userAndConnectionTargetsRoundTripWhateverTheyHold() {
        String odd = "user:with:colons\u0001and\u0002controls";
        BusMessages.Decoded user = BusMessages.direct(BusMessages.toUser(odd, "{}"));
        BusMessages.Decoded connection = BusMessages.direct(BusMessages.toConnection("c-2", "\"text\""));

        assertTrue(user.forUser());
        assertEquals(odd, user.target());
        assertEquals("{}", user.frame());
        assertTrue(connection.forConnection());
        assertEquals("c-2", connection.target());
        assertEquals("\"text\"", connection.frame());
    }

    @Test
    void plainEventsAndMalformedMessagesAreNotMistakenForTargetedOnes() {
        assertNull(BusMessages.excluded("{\"type\":\"message\"}"));
        assertNull(BusMessages.excluded(""));
        assertNull(BusMessages.direct("{\"type\":\"message\"}"));
        assertNull(BusMessages.direct("\u0002x3:abc{}"), "unknown kind");
        assertNull(BusMessages.direct("\u0002u99:abc{}"), "length beyond the end");
        assertNull(BusMessages.direct("\u0002u-1:abc"), "negative length");
        assertNull(BusMessages.direct("\u0002uabc"), "no length");
    }
}
