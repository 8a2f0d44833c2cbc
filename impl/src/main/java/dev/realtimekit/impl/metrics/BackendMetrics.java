package dev.realtimekit.impl.metrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import dev.realtimekit.impl.i18n.Messages;

/**
 * The kit's instruments on a {@link MetricsBackend}: resolves each combination of tag values once
 * and keeps it, so that the paths that run per message or per event only add to what they hold.
 *
 * <p>Threads: any. A series first needed on some thread (a close code, a status, a handler method)
 * is registered there, with the application's class loader as the thread's context class loader,
 * as at startup: MicroProfile Metrics reads the application's configuration when it registers a
 * timer, and fails on a thread without one (the JDK's timeout thread completing a handler's stage).
 * A registration that fails anyway costs that series, never the caller: it is logged once.
 */
final class BackendMetrics implements RealtimeMetrics {

    private final MetricsBackend backend;
    private final MetricsBackend.Count opened;
    private final MetricsBackend.Count received;
    private final MetricsBackend.Count rateLimited;
    private final MetricsBackend.Count blockingFrames;
    private final MetricsBackend.Count asyncFrames;
    private final MetricsBackend.Count delivered;
    private final MetricsBackend.Time deliveryLatency;
    private final MetricsBackend.Count published;
    private final MetricsBackend.Count publishFailed;
    private final MetricsBackend.Time publishLatency;
    private final MetricsBackend.Count outages;
    private final MetricsBackend.Count repaired;
    private final Map<ErrorReason, MetricsBackend.Count> errorFrames = new EnumMap<>(ErrorReason.class);
    private final Map<SlowConsumerReason, MetricsBackend.Count> slowConsumers = new EnumMap<>(SlowConsumerReason.class);
    private final ConcurrentHashMap<String, MetricsBackend.Count> closed = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, MetricsBackend.Count> refused = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, MetricsBackend.Time[]> handlerTimes = new ConcurrentHashMap<>();
    /** The class loader of the application whose startup created these metrics. */
    private final ClassLoader applicationLoader = Thread.currentThread().getContextClassLoader();
    private final AtomicBoolean registrationFailureLogged = new AtomicBoolean();

    BackendMetrics(MetricsBackend backend, Gauges gauges) {
        this.backend = backend;
        opened = backend.counter(Instrument.CONNECTIONS_OPENED, List.of());
        received = backend.counter(Instrument.MESSAGES_RECEIVED, List.of());
        rateLimited = backend.counter(Instrument.MESSAGES_RATE_LIMITED, List.of());
        delivered = backend.counter(Instrument.EVENTS_DELIVERED, List.of());
        blockingFrames = backend.counter(Instrument.FRAMES_SENT, List.of("blocking"));
        asyncFrames = backend.counter(Instrument.FRAMES_SENT, List.of("async"));
        deliveryLatency = backend.timer(Instrument.DELIVERY_LATENCY, List.of());
        published = backend.counter(Instrument.EVENTS_PUBLISHED, List.of(MetricTags.SUCCESS));
        publishFailed = backend.counter(Instrument.EVENTS_PUBLISHED, List.of(MetricTags.FAILURE));
        publishLatency = backend.timer(Instrument.PUBLISH_LATENCY, List.of());
        for (ErrorReason reason : ErrorReason.values()) {
            errorFrames.put(reason, backend.counter(Instrument.ERROR_FRAMES, List.of(reason.tag())));
        }
        for (SlowConsumerReason reason : SlowConsumerReason.values()) {
            slowConsumers.put(reason, backend.counter(Instrument.SLOW_CONSUMER_CLOSES, List.of(reason.tag())));
        }
        backend.gauge(Instrument.CONNECTIONS_OPEN, gauges.openConnections());
        if (gauges.redisSubscriptions() != null) {
            backend.gauge(Instrument.REDIS_SUBSCRIPTIONS, gauges.redisSubscriptions());
            backend.gauge(Instrument.REDIS_DEAF_SUBSCRIPTIONS, gauges.redisDeafSubscriptions());
            outages = backend.counter(Instrument.REDIS_OUTAGES, List.of());
            repaired = backend.counter(Instrument.REDIS_REPAIRED_SUBSCRIPTIONS, List.of());
        } else {
            outages = amount -> {
            };
            repaired = outages;
        }
    }

    /**
     * What the gauges read.
     *
     * @param openConnections connections not yet fully closed
     * @param redisSubscriptions the bus's Redis subscriptions, or null without Redis (no Redis instruments then)
     * @param redisDeafSubscriptions the bus's deaf subscriptions (with Redis)
     */
    record Gauges(LongSupplier openConnections, LongSupplier redisSubscriptions, LongSupplier redisDeafSubscriptions) {
    }

    @Override
    public void connectionOpened() {
        opened.add(1);
    }

    @Override
    public void connectionClosed(int closeCode) {
        countOne(closed, Instrument.CONNECTIONS_CLOSED, MetricTags.closeCode(closeCode));
    }

    @Override
    public void handshakeRefused(int status) {
        countOne(refused, Instrument.HANDSHAKES_REFUSED, MetricTags.status(status));
    }

    @Override
    public void messageReceived() {
        received.add(1);
    }

    @Override
    public void rateLimited() {
        rateLimited.add(1);
    }

    @Override
    public void errorFrameSent(ErrorReason reason) {
        errorFrames.get(reason).add(1);
    }

    @Override
    public void frameSent(boolean blocking) {
        (blocking ? blockingFrames : asyncFrames).add(1);
    }

    @Override
    public void slowConsumerClosed(SlowConsumerReason reason) {
        slowConsumers.get(reason).add(1);
    }

    @Override
    public void eventPublished(long nanos, boolean failed) {
        (failed ? publishFailed : published).add(1);
        publishLatency.record(nanos);
    }

    @Override
    public void handlerCompleted(String method, long nanos, boolean failed) {
        MetricsBackend.Time[] byOutcome = handlerTimes.get(method);
        if (byOutcome == null) {
            byOutcome = registered(() -> handlerTimes.computeIfAbsent(method, name -> new MetricsBackend.Time[] {
                backend.timer(Instrument.HANDLER_TIME, List.of(name, MetricTags.SUCCESS)),
                backend.timer(Instrument.HANDLER_TIME, List.of(name, MetricTags.FAILURE))}));
        }
        if (byOutcome != null) {
            byOutcome[failed ? 1 : 0].record(nanos);
        }
    }

    @Override
    public void eventDelivered(int deliveries, long latencyNanos) {
        if (deliveries > 0) {
            delivered.add(deliveries);
        }
        if (latencyNanos >= 0) {
            deliveryLatency.record(latencyNanos);
        }
    }

    @Override
    public void redisOutage() {
        outages.add(1);
    }

    @Override
    public void subscriptionsRepaired(int count) {
        repaired.add(count);
    }

    /** Adds one to the series of {@code instrument} with this tag value, registered on first use. */
    private void countOne(ConcurrentHashMap<String, MetricsBackend.Count> series, Instrument instrument, String tag) {
        MetricsBackend.Count count = series.get(tag);
        if (count == null) {
            count = registered(() -> series.computeIfAbsent(tag, value -> backend.counter(instrument, List.of(value))));
        }
        if (count != null) {
            count.add(1);
        }
    }

    /**
     * Registers series on this thread as the application's startup would (see the class comment).
     *
     * @return what {@code registration} returned, or null when it failed (logged once)
     */
    private <T> T registered(Supplier<T> registration) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        boolean swap = previous != applicationLoader;
        if (swap) {
            thread.setContextClassLoader(applicationLoader);
        }
        try {
            return registration.get();
        } catch (RuntimeException e) {
            if (registrationFailureLogged.compareAndSet(false, true)) {
                Messages.unexpected("registering a metric (later failures are not logged)", e);
            }
            return null;
        } finally {
            if (swap) {
                thread.setContextClassLoader(previous);
            }
        }
    }

    @Override
    public void close() {
        backend.close();
    }
}
