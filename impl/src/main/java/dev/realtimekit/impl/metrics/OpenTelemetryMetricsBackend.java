package dev.realtimekit.impl.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongGauge;

/**
 * The instruments on the application's OpenTelemetry {@link Meter} ({@code mpTelemetry}): counters,
 * histograms in seconds, gauges read at each export. Only loaded when the OpenTelemetry API is visible.
 */
final class OpenTelemetryMetricsBackend implements MetricsBackend {

    /** Bucket bounds in seconds, from half a millisecond to ten seconds (OpenTelemetry's defaults suit milliseconds). */
    static final List<Double> LATENCY_BUCKETS =
            List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

    private final Meter meter;
    private final String pathTemplate;
    private final ConcurrentHashMap<Instrument, LongCounter> counters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Instrument, DoubleHistogram> histograms = new ConcurrentHashMap<>();
    private final List<ObservableLongGauge> gauges = new CopyOnWriteArrayList<>();

    OpenTelemetryMetricsBackend(Meter meter, String pathTemplate) {
        this.meter = meter;
        this.pathTemplate = pathTemplate;
    }

    @Override
    public Count counter(Instrument instrument, List<String> tagValues) {
        LongCounter counter = counters.computeIfAbsent(instrument, i -> meter.counterBuilder(i.metricName())
                .setDescription(i.description()).build());
        Attributes attributes = attributes(instrument, tagValues);
        return amount -> counter.add(amount, attributes);
    }

    @Override
    public Time timer(Instrument instrument, List<String> tagValues) {
        DoubleHistogram histogram = histograms.computeIfAbsent(instrument, i -> meter.histogramBuilder(i.metricName())
                .setDescription(i.description()).setUnit("s").setExplicitBucketBoundariesAdvice(LATENCY_BUCKETS).build());
        Attributes attributes = attributes(instrument, tagValues);
        return nanos -> histogram.record(nanos / 1e9, attributes);
    }

    @Override
    public void gauge(Instrument instrument, LongSupplier value) {
        Attributes attributes = attributes(instrument, List.of());
        gauges.add(meter.gaugeBuilder(instrument.metricName()).setDescription(instrument.description()).ofLongs()
                .buildWithCallback(measurement -> measurement.record(value.getAsLong(), attributes)));
    }

    /** Stops the gauges' callbacks; OpenTelemetry has no way to remove counters and histograms. */
    @Override
    public void close() {
        for (ObservableLongGauge gauge : gauges) {
            gauge.close();
        }
        gauges.clear();
    }

    private Attributes attributes(Instrument instrument, List<String> values) {
        AttributesBuilder builder = Attributes.builder().put(Instrument.PATH, pathTemplate);
        for (int i = 0; i < values.size(); i++) {
            builder.put(instrument.tagKeys().get(i), values.get(i));
        }
        return builder.build();
    }
}
