package dev.realtimekit.impl.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class BackendMetricsTest {

    private final RecordingBackend backend = new RecordingBackend();
    private final AtomicLong open = new AtomicLong(3);

    private BackendMetrics metrics(boolean redis) {
        return new BackendMetrics(backend, new BackendMetrics.Gauges(open::get, redis ? () -> 7 : null, redis ? () -> 1 : null));
    }

    @Test
    void closeCodesAndStatusesMapToABoundedSetOfSeries() {
        BackendMetrics metrics = metrics(false);
        int before = backend.counters.size();
        for (int code = 0; code < 70_000; code += 7) {
            metrics.connectionClosed(code);
            metrics.handshakeRefused(code);
        }
        int added = backend.counters.size() - before;
        // 16 standard close codes + 3xxx + 4xxx + other, and the 500 valid statuses + other at most.
        assertTrue(added <= 19 + 501, "series added: " + added);
        metrics.connectionClosed(1000);
        metrics.connectionClosed(1000);
        metrics.connectionClosed(4001);
        metrics.connectionClosed(4999);
        assertEquals(2 + (1000 % 7 == 0 ? 1 : 0), backend.count(Instrument.CONNECTIONS_CLOSED, "1000"));
        assertTrue(backend.count(Instrument.CONNECTIONS_CLOSED, "4xxx") >= 2);
        assertEquals(0, backend.count(Instrument.CONNECTIONS_CLOSED, "4001"), "no series per application close code");
    }

    @Test
    void eachTagCombinationIsCreatedOnceAndReused() {
        BackendMetrics metrics = metrics(false);
        int created = backend.creations;
        for (int i = 0; i < 1_000; i++) {
            metrics.messageReceived();
            metrics.errorFrameSent(ErrorReason.INVALID_FORMAT);
            metrics.handlerCompleted("handleDirectMessage", 1_000, false);
            metrics.eventDelivered(5, 2_000);
            metrics.connectionClosed(1001);
        }
        assertEquals(created + 3, backend.creations, "only the method's two handler timers and the 1001 counter were new");
        assertEquals(1_000, backend.count(Instrument.MESSAGES_RECEIVED));
        assertEquals(1_000, backend.count(Instrument.ERROR_FRAMES, "invalid-format"));
        assertEquals(5_000, backend.count(Instrument.EVENTS_DELIVERED));
        assertEquals(1_000, backend.timers.get(RecordingBackend.series(Instrument.DELIVERY_LATENCY, List.of())).size());
        assertEquals(1_000, backend.timers.get(RecordingBackend.series(Instrument.HANDLER_TIME,
                List.of("handleDirectMessage", "success"))).size());
    }

    @Test
    void publishesAreCountedByOutcomeAndTimedEitherWay() {
        BackendMetrics metrics = metrics(false);
        metrics.eventPublished(1_000, false);
        metrics.eventPublished(2_000, false);
        metrics.eventPublished(3_000, true);
        assertEquals(2, backend.count(Instrument.EVENTS_PUBLISHED, "success"));
        assertEquals(1, backend.count(Instrument.EVENTS_PUBLISHED, "failure"));
        assertEquals(List.of(1_000L, 2_000L, 3_000L),
                backend.timers.get(RecordingBackend.series(Instrument.PUBLISH_LATENCY, List.of())));
    }

    @Test
    void anUnknownPublishTimeCountsTheDeliveriesButRecordsNoLatency() {
        BackendMetrics metrics = metrics(false);
        metrics.eventDelivered(4, -1);
        metrics.eventDelivered(0, 5);
        assertEquals(4, backend.count(Instrument.EVENTS_DELIVERED));
        assertEquals(List.of(5L), backend.timers.get(RecordingBackend.series(Instrument.DELIVERY_LATENCY, List.of())));
    }

    @Test
    void redisInstrumentsExistOnlyWithRedis() {
        metrics(false).redisOutage();
        assertFalse(backend.gauges.containsKey(Instrument.REDIS_SUBSCRIPTIONS.metricName()));
        assertFalse(backend.counters.keySet().stream().anyMatch(series -> series.startsWith("realtime.redis")), backend.counters.toString());
        assertEquals(3, backend.gauges.get(Instrument.CONNECTIONS_OPEN.metricName()).getAsLong());

        RecordingBackend withRedis = new RecordingBackend();
        BackendMetrics metrics = new BackendMetrics(withRedis, new BackendMetrics.Gauges(open::get, () -> 7, () -> 1));
        metrics.redisOutage();
        metrics.subscriptionsRepaired(3);
        assertEquals(1, withRedis.count(Instrument.REDIS_OUTAGES));
        assertEquals(3, withRedis.count(Instrument.REDIS_REPAIRED_SUBSCRIPTIONS));
        assertEquals(7, withRedis.gauges.get(Instrument.REDIS_SUBSCRIPTIONS.metricName()).getAsLong());
        assertEquals(1, withRedis.gauges.get(Instrument.REDIS_DEAF_SUBSCRIPTIONS.metricName()).getAsLong());
        metrics.close();
        assertTrue(withRedis.closed);
    }

    @Test
    void everyInstrumentHasADescriptionAndAKebabFreeDottedName() {
        for (Instrument instrument : Instrument.values()) {
            assertTrue(instrument.metricName().matches("realtime(\\.[a-z]+)+"), instrument.metricName());
            assertFalse(instrument.description().isBlank(), instrument.name());
            for (String key : instrument.tagKeys()) {
                assertTrue(key.matches("[a-z]+"), key);
            }
        }
    }

    /**
     * MicroProfile Metrics reads the application's configuration through the thread's context class
     * loader when it registers a timer, and threw a NullPointerException on the JDK's timeout thread
     * (none there), which failed the handler's stage it was timing: onConnect answered "Internal
     * server error" and the connection closed (HealthIT in CI, while Redis was down).
     */
    @Test
    void aSeriesFirstNeededOnAThreadWithoutTheApplicationsLoaderIsRegisteredWithIt() throws Exception {
        ClassLoader application = new java.net.URLClassLoader(new java.net.URL[0]);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        BackendMetrics metrics;
        Thread.currentThread().setContextClassLoader(application);
        try {
            metrics = metrics(false);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        java.util.Set<ClassLoader> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        backend.onRegistration = () -> seen.add(Thread.currentThread().getContextClassLoader());
        Thread bare = new Thread(() -> {
            metrics.handlerCompleted("onConnect", 5, true);
            metrics.connectionClosed(1011);
            metrics.handshakeRefused(503);
        });
        bare.setContextClassLoader(null);
        bare.start();
        bare.join(10_000);
        assertEquals(java.util.Set.of(application), seen);
        assertEquals(1, backend.timers.get(RecordingBackend.series(Instrument.HANDLER_TIME, List.of("onConnect", "failure"))).size());
        assertEquals(1, backend.count(Instrument.CONNECTIONS_CLOSED, "1011"));
        assertEquals(1, backend.count(Instrument.HANDSHAKES_REFUSED, "503"));
    }

    @Test
    void aRegistrationThatFailsCostsItsSeriesNotTheCaller() {
        BackendMetrics metrics = metrics(false);
        backend.onRegistration = () -> {
            throw new NullPointerException("Cannot invoke \"java.lang.ClassLoader.getResources(String)\" because \"cl\" is null");
        };
        metrics.handlerCompleted("onConnect", 5, true);
        metrics.connectionClosed(1011);
        metrics.handshakeRefused(503);
        backend.onRegistration = () -> {
        };
        metrics.handlerCompleted("onConnect", 7, false);
        assertEquals(1, backend.timers.get(RecordingBackend.series(Instrument.HANDLER_TIME, List.of("onConnect", "success"))).size(),
                "registered once it works");
    }
}
