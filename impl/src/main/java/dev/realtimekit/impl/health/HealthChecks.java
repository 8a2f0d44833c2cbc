package dev.realtimekit.impl.health;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import dev.realtimekit.impl.runtime.OptionalApis;

/**
 * Adds the kit's health checks as beans, only when the application sees MicroProfile Health (the
 * server enables {@code mpHealth-4.0}): on a server without it their classes cannot even be loaded,
 * so they are never discovered by annotation (they have no scope annotation) and nothing here is
 * touched. The check classes are referenced only inside {@link #register}.
 */
public final class HealthChecks {

    /** The name of both checks in {@code /health} answers. */
    public static final String NAME = "realtime-kit";
    private static final String API = "org.eclipse.microprofile.health.HealthCheck";

    private HealthChecks() {
    }

    /** @return whether MicroProfile Health's API is visible to the kit */
    public static boolean available() {
        return OptionalApis.visible(API);
    }

    /** Adds the readiness and liveness checks as application-scoped beans; call only when {@link #available()}. */
    public static void register(BeforeBeanDiscovery event) {
        event.addAnnotatedType(ReadinessCheck.class, ReadinessCheck.class.getName()).add(ApplicationScoped.Literal.INSTANCE);
        event.addAnnotatedType(LivenessCheck.class, LivenessCheck.class.getName()).add(ApplicationScoped.Literal.INSTANCE);
    }

    static HealthCheckResponse response(NodeHealth.Report report) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME).status(report.up());
        for (Map.Entry<String, Object> entry : report.data().entrySet()) {
            Object value = entry.getValue();
            if (value instanceof Boolean flag) {
                builder.withData(entry.getKey(), flag);
            } else if (value instanceof Long number) {
                builder.withData(entry.getKey(), number);
            } else {
                builder.withData(entry.getKey(), String.valueOf(value));
            }
        }
        return builder.build();
    }
}
