package dev.realtimekit.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.testsupport.ManualBus;

class MeteredEventBusTest {


    private final RecordingBackend backend = new RecordingBackend();
    private final BackendMetrics metrics = new BackendMetrics(backend, new BackendMetrics.Gauges(() -> 0, null, null));
    private final ManualBus bus = new ManualBus();
    private final MeteredEventBus metered = new MeteredEventBus(bus, metrics);

    @Test
    void aPublishCountsWhenTheBusAnswersWithItsOutcome() {
        metered.publish("room", "{}");
        metered.publish("room", "{}");
        assertEquals(0, backend.count(Instrument.EVENTS_PUBLISHED, "success"), "not before the bus answered");
        bus.publishes.get(0).complete(null);
        bus.publishes.get(1).completeExceptionally(new IllegalStateException("redis down"));
        assertEquals(1, backend.count(Instrument.EVENTS_PUBLISHED, "success"));
        assertEquals(1, backend.count(Instrument.EVENTS_PUBLISHED, "failure"));
        assertEquals(2, backend.timers.get(RecordingBackend.series(Instrument.PUBLISH_LATENCY, List.of())).size());
    }

    @Test
    void aBusThatThrowsCountsAsAFailedPublishAndStillThrows() {
        bus.throwOnPublish = new IllegalStateException("closed");
        assertThrows(IllegalStateException.class, () -> metered.publish("room", "{}"));
        assertEquals(1, backend.count(Instrument.EVENTS_PUBLISHED, "failure"));
    }

    @Test
    void theKitsOwnTopicsAreNotCounted() {
        metered.publish(BusMessages.DIRECT_TOPIC, BusMessages.toUser("u", "{}"));
        bus.publishes.get(0).complete(null);
        assertEquals(0, backend.count(Instrument.EVENTS_PUBLISHED, "success"));
        assertTrue(bus.publishes.size() == 1, "but published");
    }
}
