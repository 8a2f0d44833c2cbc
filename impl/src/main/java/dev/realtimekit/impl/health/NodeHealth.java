package dev.realtimekit.impl.health;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import dev.realtimekit.impl.bus.EventBus;
import dev.realtimekit.impl.i18n.Messages;

/**
 * What this node's health checks say, computed from the kit's state each time they are asked;
 * independent of MicroProfile Health, whose checks ({@link ReadinessCheck}, {@link LivenessCheck})
 * only translate it. Data holds counts and flags only, never topic names or tokens.
 *
 * <p>Ready: the bus has started (its first subscription, the node's channel for frames to users and
 * connections, is confirmed: with Redis, by Redis), Redis answers, no subscription is deaf (found not
 * delivering by the self-check and not seen delivering since), the node is not draining or stopping,
 * and it is alive.
 *
 * <p>Alive unless the kit is in a state it cannot leave by itself while the application runs: the
 * event bus closed or its Redis client shut down, or the connection heartbeat's periodic task ended.
 * A Redis outage never makes a node not alive: a restart would not bring Redis back.
 *
 * <p>Thread-safe; never blocks.
 */
public final class NodeHealth {

    /** One check's verdict and its data (values are String, Long or Boolean). */
    public record Report(boolean up, Map<String, Object> data) {
    }

    private final Supplier<EventBus.Status> bus;
    private final BooleanSupplier started;
    private final BooleanSupplier draining;
    private final BooleanSupplier stopping;
    private final BooleanSupplier heartbeatRunning;
    private final IntSupplier connections;
    private final AtomicBoolean deadReported = new AtomicBoolean();

    /**
     * @param started whether the bus's first subscription was confirmed
     * @param draining whether a drain was started (JMX or application stop)
     * @param stopping whether the application is stopping (the kit's own closing is no failure)
     * @param heartbeatRunning whether the connection heartbeat's periodic task still runs
     * @param connections the node's open connections
     */
    public NodeHealth(Supplier<EventBus.Status> bus, BooleanSupplier started, BooleanSupplier draining,
            BooleanSupplier stopping, BooleanSupplier heartbeatRunning, IntSupplier connections) {
        this.bus = bus;
        this.started = started;
        this.draining = draining;
        this.stopping = stopping;
        this.heartbeatRunning = heartbeatRunning;
        this.connections = connections;
    }

    public Report readiness() {
        EventBus.Status status = bus.get();
        List<String> reasons = new ArrayList<>();
        boolean isStarted = started.getAsBoolean();
        boolean isDraining = draining.getAsBoolean() || stopping.getAsBoolean();
        if (!isStarted) {
            reasons.add("starting: the event bus is not ready yet");
        }
        boolean redis = "redis".equals(status.kind());
        if (redis && !status.reachable()) {
            reasons.add("Redis is unreachable");
        }
        if (status.deafSubscriptions() > 0) {
            reasons.add(status.deafSubscriptions() + " subscription(s) not delivering, being repaired");
        }
        if (isDraining) {
            reasons.add("draining: connections are being closed with 1012");
        }
        List<String> fatal = fatal(status);
        if (!fatal.isEmpty()) {
            reasons.add("not alive: " + String.join(", ", fatal));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("bus", status.kind());
        data.put("started", isStarted);
        if (redis) {
            data.put("redisReachable", status.reachable());
        }
        data.put("subscriptions", (long) status.subscriptions());
        data.put("deafSubscriptions", (long) status.deafSubscriptions());
        data.put("draining", isDraining);
        data.put("connections", (long) connections.getAsInt());
        if (!reasons.isEmpty()) {
            data.put("reason", String.join("; ", reasons));
        }
        return new Report(reasons.isEmpty(), data);
    }

    public Report liveness() {
        EventBus.Status status = bus.get();
        List<String> fatal = fatal(status);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("bus", status.kind());
        data.put("busBroken", fatal.contains(BUS_BROKEN));
        data.put("heartbeatRunning", !fatal.contains(HEARTBEAT_STOPPED));
        if (!fatal.isEmpty()) {
            String reason = String.join(", ", fatal);
            data.put("reason", reason);
            if (deadReported.compareAndSet(false, true)) {
                Messages.notAlive(reason);
            }
        }
        return new Report(fatal.isEmpty(), data);
    }

    static final String BUS_BROKEN = "the event bus was closed or its Redis client shut down";
    static final String HEARTBEAT_STOPPED = "the connection heartbeat stopped";

    private List<String> fatal(EventBus.Status status) {
        List<String> fatal = new ArrayList<>();
        if (stopping.getAsBoolean()) {
            return fatal; // the kit closes its parts itself now
        }
        if (status.broken()) {
            fatal.add(BUS_BROKEN);
        }
        if (!heartbeatRunning.getAsBoolean()) {
            fatal.add(HEARTBEAT_STOPPED);
        }
        return fatal;
    }
}
