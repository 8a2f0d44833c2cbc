package dev.realtimekit.impl.metrics;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * A metrics library's side of the kit's instruments: creates a counter, a timer or a gauge for one
 * instrument and one combination of tag values (the {@code path} tag added by the backend). Called
 * once per combination; what it returns is used from any thread.
 */
interface MetricsBackend {

    /** Adds to a counter. */
    @FunctionalInterface
    interface Count {
        void add(long amount);
    }

    /** Records a duration. */
    @FunctionalInterface
    interface Time {
        void record(long nanos);
    }

    /** @param tagValues values of {@link Instrument#tagKeys()}, in that order */
    Count counter(Instrument instrument, List<String> tagValues);

    /** @param tagValues values of {@link Instrument#tagKeys()}, in that order */
    Time timer(Instrument instrument, List<String> tagValues);

    /** Registers a gauge whose value is read when the metrics are read. */
    void gauge(Instrument instrument, LongSupplier value);

    /** Removes or stops everything this backend registered, where the library allows it. */
    void close();
}
