package dev.realtimekit.impl.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.registry.BusMessages;

class PublishTimeTest {

    @Test
    void aStampedPayloadReadsBackUnchangedWithItsTime() {
        long before = PublishTime.now();
        for (String payload : new String[] {"{\"type\":\"message\"}", "", ":", "\u00031:x",
                BusMessages.excluding("c-1", "{}"), BusMessages.toUser("u", "{}")}) {
            PublishTime.Stamped read = PublishTime.read(PublishTime.stamp(payload));
            assertEquals(payload, read.payload());
            assertTrue(read.publishedMicros() >= before && read.publishedMicros() <= PublishTime.now(), read.toString());
        }
    }

    @Test
    void aPayloadWithoutAStampIsUnchangedAndItsTimeUnknown() {
        for (String payload : new String[] {"{}", "", "\u0003", "\u0003abc:{}", "\u0003123", "\u0001" + "3:abc{}"}) {
            PublishTime.Stamped read = PublishTime.read(payload);
            assertEquals(payload, read.payload());
            assertEquals(PublishTime.UNKNOWN, read.publishedMicros());
        }
    }

    @Test
    void nowIsTheWallClockInMicroseconds() {
        long millis = System.currentTimeMillis();
        long micros = PublishTime.now();
        assertTrue(Math.abs(micros / 1_000 - millis) < 1_000, micros + " vs " + millis);
    }
}
