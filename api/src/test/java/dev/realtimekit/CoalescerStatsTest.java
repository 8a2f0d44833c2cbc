package dev.realtimekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class CoalescerStatsTest {

    @Test
    void negativeValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CoalescerStats(-1, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CoalescerStats(0, 0, 0, 0, -1));
        assertEquals(3, new CoalescerStats(1, 2, 0, 0, 0).initiated() + new CoalescerStats(1, 2, 0, 0, 0).coalesced());
    }

    @Test
    void timeoutMessageNamesTheTimeoutInMillisecondsOrExactly() {
        assertEquals("The coalesced operation did not complete within 2000 ms",
                new CoalescerTimeoutException(Duration.ofSeconds(2)).getMessage());
        assertEquals("The coalesced operation did not complete within PT0.0005S",
                new CoalescerTimeoutException(Duration.ofNanos(500_000)).getMessage());
    }
}
