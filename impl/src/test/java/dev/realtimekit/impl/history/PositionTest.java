package dev.realtimekit.impl.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class PositionTest {

    @Test
    void parsesWhatTheKitWrites() {
        Position position = new Position(Position.newEpoch(), 42);
        assertEquals(position, Position.parse(position.toString()));
        assertEquals(new Position("Ab1", 0), Position.parse("Ab1:0"));
    }

    @Test
    void refusesAnythingElse() {
        for (String text : List.of("", ":", "abc", "abc:", ":5", "ab c:5", "ab-c:5", "abc:-1", "abc:1.5", "abc:5x",
                "abc:99999999999999999999", "a".repeat(65) + ":1", "é:1")) {
            assertNull(Position.parse(text), text);
        }
        assertNull(Position.parse(null));
    }

    @Test
    void epochsAreFreshLettersAndDigits() {
        String one = Position.newEpoch();
        assertTrue(one.matches("[A-Za-z0-9]{12}"), one);
        assertFalse(one.equals(Position.newEpoch()));
    }

    @Test
    void patternsMatchWithStarsOnly() {
        HistorySettings settings = new HistorySettings(List.of("general", "private-user-*", "*-log", "a*b*c"), 10, 1000);
        assertTrue(settings.enabled("general"));
        assertFalse(settings.enabled("general2"));
        assertTrue(settings.enabled("private-user-"));
        assertTrue(settings.enabled("private-user-42"));
        assertTrue(settings.enabled("build-log"));
        assertTrue(settings.enabled("axxbyyc"));
        assertFalse(settings.enabled("axxbyy"));
        assertFalse(settings.enabled("private.user-1"), "no regular expressions");
        assertFalse(HistorySettings.NONE.any());
    }

    @Test
    void numberedEventsCarryTheirPositionAndPayloadExactly() {
        String payload = "\u0001" + "3:abc{\"a\":\"x:y\"}";
        NumberedEvents.Numbered numbered = NumberedEvents.read(NumberedEvents.number("Ep0ch", 17, payload));
        assertEquals(new NumberedEvents.Numbered("Ep0ch", 17, payload), numbered);
        assertNull(NumberedEvents.read("{\"plain\":true}"));
        assertNull(NumberedEvents.read("\u0004broken"));
    }
}
