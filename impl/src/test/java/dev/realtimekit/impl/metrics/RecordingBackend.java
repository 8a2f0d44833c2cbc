package dev.realtimekit.impl.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A backend that keeps every series it was asked for, with its sum (counters) or its recordings (timers). */
final class RecordingBackend implements MetricsBackend {

    final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    final Map<String, List<Long>> timers = new ConcurrentHashMap<>();
    final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
    int creations;
    /** Runs at every counter or timer registration, on the registering thread (a test may make it fail). */
    volatile Runnable onRegistration = () -> {
    };
    boolean closed;

    static String series(Instrument instrument, List<String> tagValues) {
        return instrument.metricName() + tagValues;
    }

    @Override
    public synchronized Count counter(Instrument instrument, List<String> tagValues) {
        onRegistration.run();
        creations++;
        AtomicLong sum = counters.computeIfAbsent(series(instrument, tagValues), key -> new AtomicLong());
        return sum::addAndGet;
    }

    @Override
    public synchronized Time timer(Instrument instrument, List<String> tagValues) {
        onRegistration.run();
        creations++;
        List<Long> recorded = timers.computeIfAbsent(series(instrument, tagValues), key -> new ArrayList<>());
        return nanos -> {
            synchronized (recorded) {
                recorded.add(nanos);
            }
        };
    }

    @Override
    public void gauge(Instrument instrument, LongSupplier value) {
        gauges.put(instrument.metricName(), value);
    }

    @Override
    public void close() {
        closed = true;
    }

    long count(Instrument instrument, String... tagValues) {
        AtomicLong sum = counters.get(series(instrument, List.of(tagValues)));
        return sum == null ? 0 : sum.get();
    }
}
