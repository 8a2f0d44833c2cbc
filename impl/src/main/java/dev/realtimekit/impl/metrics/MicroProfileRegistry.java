package dev.realtimekit.impl.metrics;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Holds the application's MicroProfile Metrics registry. An application-scoped bean that the
 * extension adds only when the API is visible ({@link MetricsBackends#register}); it has no scope
 * annotation, so it is never discovered otherwise.
 *
 * <p>The registry is obtained through this injection point because the server's producer reads the
 * injection point to choose the registry (application scope unless annotated): a lookup through
 * {@code BeanManager}, which has none, gets null from Liberty.
 */
public class MicroProfileRegistry {

    @Inject
    Instance<MetricRegistry> registry;

    /** @return the application's registry, or null when the server provides none */
    MetricRegistry applicationRegistry() {
        return registry.isResolvable() ? registry.get() : null;
    }
}
