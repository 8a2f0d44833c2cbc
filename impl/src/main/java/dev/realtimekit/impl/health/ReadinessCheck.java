package dev.realtimekit.impl.health;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.realtimekit.impl.runtime.RealtimeRuntime;

/**
 * The kit's readiness check ({@code /health/ready}, check {@code realtime-kit}); see {@link NodeHealth}.
 * Not a bean by discovery (no scope annotation): {@link HealthChecks} adds it only when MicroProfile
 * Health is there.
 */
@Readiness
public class ReadinessCheck implements HealthCheck {

    @Inject
    RealtimeRuntime runtime;

    @Override
    public HealthCheckResponse call() {
        return HealthChecks.response(runtime.health().readiness());
    }
}
