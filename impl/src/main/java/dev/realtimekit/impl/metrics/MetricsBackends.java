package dev.realtimekit.impl.metrics;

import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;

import org.eclipse.microprofile.metrics.MetricRegistry;

import io.opentelemetry.api.metrics.Meter;

import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.runtime.OptionalApis;

/**
 * Chooses where the kit's instruments go: the application's MicroProfile Metrics registry when the
 * server enables {@code mpMetrics-5.1}, else the OpenTelemetry {@code Meter} when it enables
 * {@code mpTelemetry}, else nowhere ({@link RealtimeMetrics#NONE}). Each API is only touched after
 * checking that the application sees it, so the kit runs with either, both or neither.
 */
public final class MetricsBackends {

    private static final String MICROPROFILE_METRICS = "org.eclipse.microprofile.metrics.MetricRegistry";
    private static final String OPENTELEMETRY = "io.opentelemetry.api.metrics.Meter";

    private MetricsBackends() {
    }

    /**
     * @param pathTemplate the endpoint's path template, the {@code path} tag of every instrument
     * @param openConnections connections not yet fully closed
     * @param redisSubscriptions the bus's Redis subscriptions, or null without Redis (no Redis instruments then)
     * @param redisDeafSubscriptions the bus's deaf subscriptions (with Redis)
     * @return the kit's instruments on the backend found, or {@link RealtimeMetrics#NONE}
     */
    public static RealtimeMetrics create(BeanManager beanManager, String pathTemplate, LongSupplier openConnections,
            LongSupplier redisSubscriptions, LongSupplier redisDeafSubscriptions) {
        MetricsBackend backend = null;
        String name = "none";
        if (OptionalApis.visible(MICROPROFILE_METRICS)) {
            backend = MicroProfile.backend(beanManager, pathTemplate);
            name = "MicroProfile Metrics (/metrics)";
        }
        if (backend == null && OptionalApis.visible(OPENTELEMETRY)) {
            backend = OpenTelemetry.backend(beanManager, pathTemplate);
            name = "OpenTelemetry (mpTelemetry)";
        }
        if (backend == null) {
            Messages.metricsBackend("none (enable mpMetrics-5.1 or mpTelemetry for the kit's metrics)");
            return RealtimeMetrics.NONE;
        }
        Messages.metricsBackend(name);
        return new BackendMetrics(backend,
                new BackendMetrics.Gauges(openConnections, redisSubscriptions, redisDeafSubscriptions));
    }


    /** @return whether the application sees MicroProfile Metrics' API */
    public static boolean microProfileMetricsVisible() {
        return OptionalApis.visible(MICROPROFILE_METRICS);
    }

    /** Adds the bean that holds the MicroProfile Metrics registry; call only when {@link #microProfileMetricsVisible()}. */
    public static void register(BeforeBeanDiscovery event) {
        event.addAnnotatedType(MicroProfileRegistry.class, MicroProfileRegistry.class.getName())
                .add(ApplicationScoped.Literal.INSTANCE);
    }

    /** Touches the MicroProfile Metrics API; loaded only when it is visible. */
    private static final class MicroProfile {
        static MetricsBackend backend(BeanManager beanManager, String pathTemplate) {
            Instance<MicroProfileRegistry> holder = beanManager.createInstance().select(MicroProfileRegistry.class);
            MetricRegistry registry = holder.isResolvable() ? holder.get().applicationRegistry() : null;
            return registry == null ? null : new MicroProfileMetricsBackend(registry, pathTemplate);
        }
    }

    /** Touches the OpenTelemetry API; loaded only when it is visible. */
    private static final class OpenTelemetry {
        static MetricsBackend backend(BeanManager beanManager, String pathTemplate) {
            Instance<Meter> meter = beanManager.createInstance().select(Meter.class);
            return meter.isResolvable() ? new OpenTelemetryMetricsBackend(meter.get(), pathTemplate) : null;
        }
    }
}
