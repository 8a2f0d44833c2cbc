package dev.realtimekit.impl.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;

/**
 * The instruments in the application's MicroProfile Metrics registry ({@code mpMetrics-5.1}; Liberty
 * shows them at {@code /metrics?scope=application}, e.g. {@code realtime_connections_opened_total}).
 * Only loaded when the MicroProfile Metrics API is visible.
 */
final class MicroProfileMetricsBackend implements MetricsBackend {

    private final MetricRegistry registry;
    private final Tag path;
    private final List<MetricID> registered = new CopyOnWriteArrayList<>();

    MicroProfileMetricsBackend(MetricRegistry registry, String pathTemplate) {
        this.registry = registry;
        this.path = new Tag(Instrument.PATH, pathTemplate);
    }

    @Override
    public Count counter(Instrument instrument, List<String> tagValues) {
        Tag[] tags = tags(instrument, tagValues);
        Counter counter = registry.counter(metadata(instrument), tags);
        registered.add(new MetricID(instrument.metricName(), tags));
        return counter::inc;
    }

    @Override
    public Time timer(Instrument instrument, List<String> tagValues) {
        Tag[] tags = tags(instrument, tagValues);
        Timer timer = registry.timer(metadata(instrument), tags);
        registered.add(new MetricID(instrument.metricName(), tags));
        return nanos -> timer.update(Duration.ofNanos(nanos));
    }

    @Override
    public void gauge(Instrument instrument, LongSupplier value) {
        registry.gauge(metadata(instrument), value::getAsLong, path);
        registered.add(new MetricID(instrument.metricName(), path));
    }

    @Override
    public void close() {
        for (MetricID id : registered) {
            registry.remove(id);
        }
        registered.clear();
    }

    private static Metadata metadata(Instrument instrument) {
        return Metadata.builder().withName(instrument.metricName()).withDescription(instrument.description()).build();
    }

    private Tag[] tags(Instrument instrument, List<String> values) {
        List<Tag> tags = new ArrayList<>(values.size() + 1);
        tags.add(path);
        for (int i = 0; i < values.size(); i++) {
            tags.add(new Tag(instrument.tagKeys().get(i), values.get(i)));
        }
        return tags.toArray(Tag[]::new);
    }
}
