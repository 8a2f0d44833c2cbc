package dev.realtimekit.impl.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.bus.EventBus;

/** Readiness and liveness from the kit's state: what makes each DOWN, and what their data shows. */
class NodeHealthTest {

    private final AtomicReference<EventBus.Status> bus = new AtomicReference<>(new EventBus.Status("redis", true, 3, 0, false));
    private final AtomicBoolean started = new AtomicBoolean(true);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean heartbeat = new AtomicBoolean(true);
    private final NodeHealth health = new NodeHealth(bus::get, started::get, draining::get, stopping::get, heartbeat::get,
            () -> 7);

    @Test
    void readyWithCountsOnly() {
        NodeHealth.Report ready = health.readiness();
        assertTrue(ready.up());
        assertEquals("redis", ready.data().get("bus"));
        assertEquals(true, ready.data().get("redisReachable"));
        assertEquals(3L, ready.data().get("subscriptions"));
        assertEquals(0L, ready.data().get("deafSubscriptions"));
        assertEquals(false, ready.data().get("draining"));
        assertEquals(7L, ready.data().get("connections"));
        assertFalse(ready.data().containsKey("reason"));
    }

    @Test
    void notReadyUntilTheBusStarted() {
        started.set(false);
        NodeHealth.Report report = health.readiness();
        assertFalse(report.up());
        assertEquals(false, report.data().get("started"));
        assertTrue(((String) report.data().get("reason")).contains("starting"));
    }

    @Test
    void notReadyWhileRedisIsUnreachableButAlive() {
        bus.set(new EventBus.Status("redis", false, 3, 0, false));
        assertFalse(health.readiness().up());
        assertEquals(false, health.readiness().data().get("redisReachable"));
        assertTrue(health.liveness().up(), "restarting the JVM brings no Redis back");
    }

    @Test
    void notReadyWhileASubscriptionIsDeaf() {
        bus.set(new EventBus.Status("redis", true, 3, 2, false));
        NodeHealth.Report report = health.readiness();
        assertFalse(report.up());
        assertEquals(2L, report.data().get("deafSubscriptions"));
        assertTrue(health.liveness().up());
    }

    @Test
    void notReadyWhileDrainingOrStopping() {
        draining.set(true);
        assertFalse(health.readiness().up());
        assertEquals(true, health.readiness().data().get("draining"));
        draining.set(false);
        stopping.set(true);
        assertFalse(health.readiness().up());
        assertTrue(health.liveness().up());
    }

    @Test
    void inJvmBusHasNoRedisFlag() {
        bus.set(new EventBus.Status("in-jvm", true, 1, 0, false));
        assertTrue(health.readiness().up());
        assertFalse(health.readiness().data().containsKey("redisReachable"));
    }

    @Test
    void notAliveWhenTheBusBrokeOrTheHeartbeatStopped() {
        bus.set(new EventBus.Status("redis", true, 3, 0, true));
        assertFalse(health.liveness().up());
        assertEquals(true, health.liveness().data().get("busBroken"));
        assertFalse(health.readiness().up(), "a node that is not alive is not ready either");
        bus.set(new EventBus.Status("redis", true, 3, 0, false));
        heartbeat.set(false);
        assertFalse(health.liveness().up());
        assertEquals(false, health.liveness().data().get("heartbeatRunning"));
    }

    @Test
    void theKitsOwnStopIsNoFailure() {
        stopping.set(true);
        heartbeat.set(false);
        bus.set(new EventBus.Status("redis", true, 0, 0, true));
        assertTrue(health.liveness().up());
    }
}
