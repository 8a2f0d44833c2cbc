package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeasurementTest {

    private static Measurement measure(Window w, Pacer.Phase phase, long errors, double generatorCpu) {
        Meter.Sample before = new Meter.Sample(0, new double[] {10, 20}, 1, 0);
        Meter.Sample after = new Meter.Sample(2_000_000_000L, new double[] {12, 21}, 1.5, generatorCpu);
        return Measurement.of(100, 2, w, phase, errors, before, after);
    }

    private static Window window(long expected, int deliveries, long latencyNanos) {
        Window w = new Window(new long[] {0});
        w.sent = expected / 10;
        w.expected = expected;
        for (int i = 0; i < deliveries; i++) {
            w.delivered.increment();
            w.latency.record(latencyNanos);
        }
        return w;
    }

    @Test
    void derivesRatesAndCpuPerDelivery() {
        Measurement m = measure(window(2000, 2000, 2_000_000), new Pacer.Phase(200, 0, 0, 1_000_000, 0), 0, 0.5);
        assertEquals(1000, m.deliveriesPerSecond());
        assertEquals(3, m.serverCpuSecondsTotal(), 1e-9);
        assertEquals(1500, m.serverCpuMicrosPerDelivery(), 1e-6);
        assertEquals(1.0, m.cpuSecondsPer1000Deliveries(0), 1e-9);
        assertEquals(0.5, m.cpuSecondsPer1000Deliveries(1), 1e-9);
        assertEquals(0.5, m.redisCpuSeconds(), 1e-9);
        assertEquals(0.25, m.generatorCoreShare(), 1e-9);
        assertEquals(2.0, m.p99Ms(), 0.02);
        assertEquals(0, m.lost());
        assertFalse(m.generatorBound());
        assertEquals(List.of(), m.failures(100));
    }

    @Test
    void aStepFailsForEachReason() {
        Window w = window(2000, 1990, 150_000_000);
        w.outOfOrder.increment();
        Measurement m = measure(w, new Pacer.Phase(200, 0, 0, 0, 0), 3, 0.1);
        assertEquals(List.of("p99>100ms", "lost=10", "errors=3", "outOfOrder=1"), m.failures(100));
    }

    @Test
    void theGeneratorIsBoundWhenLateOrBusy() {
        Measurement late = measure(window(10, 10, 1), new Pacer.Phase(100, 11, 0, 50_000_000, 0), 0, 0.1);
        assertTrue(late.generatorBound());
        assertEquals(List.of("generatorBound"), late.failures(100));
        Measurement busy = measure(window(10, 10, 1), new Pacer.Phase(100, 0, 0, 0, 0), 0, 1.8);
        assertTrue(busy.generatorBound());
        Measurement fine = measure(window(10, 10, 1), new Pacer.Phase(100, 10, 0, 0, 0), 0, 1.6);
        assertFalse(fine.generatorBound());
    }

    @Test
    void blockedSendsCountAsLate() {
        Pacer.Phase phase = new Pacer.Phase(90, 2, 10, 0, 0);
        assertEquals(0.12, phase.lateFraction(), 1e-9);
        Measurement m = measure(window(10, 10, 1), phase, 0, 0.1);
        assertEquals(10, m.blocked());
        assertTrue(m.generatorBound());
        assertEquals(0, new Pacer.Phase(0, 0, 0, 0, 0).lateFraction());
        assertEquals(1, new Pacer.Phase(0, 0, 5, 0, 0).lateFraction());
    }

    @Test
    void aMachineWithoutIdleCpuIsSaturated() {
        Meter.Sample before = new Meter.Sample(0, new double[] {0}, 0, 0, new long[] {0, 0});
        Meter.Sample busy = new Meter.Sample(1_000_000_000L, new double[] {1}, 0, 0.5, new long[] {4, 200});
        Meter.Sample calm = new Meter.Sample(1_000_000_000L, new double[] {1}, 0, 0.5, new long[] {100, 200});
        Pacer.Phase phase = new Pacer.Phase(10, 0, 0, 0, 0);
        assertTrue(Measurement.of(10, 1, window(10, 10, 1), phase, 0, before, busy).machineSaturated());
        assertFalse(Measurement.of(10, 1, window(10, 10, 1), phase, 0, before, calm).machineSaturated());
    }

    @Test
    void aWindowInWhichAServerJvmCompiledSaysSo() {
        long hz = Proc.ticksPerSecond();
        // Two servers over 10 s: the first compiled 0.5 s (5% of a core), the second 0.1 s; a third is no JVM.
        Meter.Sample before = new Meter.Sample(0, new double[] {0, 0, 0}, 0, 0, null,
                List.of(Map.of(1L, 0L), Map.of(2L, 0L), Map.of()));
        Meter.Sample after = new Meter.Sample(10_000_000_000L, new double[] {1, 1, 1}, 0, 0, null,
                List.of(Map.of(1L, hz / 2), Map.of(2L, hz / 10), Map.of()));
        Pacer.Phase phase = new Pacer.Phase(10, 0, 0, 0, 0);
        Measurement compiling = Measurement.of(1, 10, window(10, 10, 1), phase, 0, before, after);
        assertEquals(0.05, compiling.jitCoreShare(), 1e-9);
        assertTrue(compiling.compiling());

        Meter.Sample quiet = new Meter.Sample(10_000_000_000L, new double[] {1, 1, 1}, 0, 0, null,
                List.of(Map.of(1L, hz / 100), Map.of(2L, 0L), Map.of()));
        assertFalse(Measurement.of(1, 10, window(10, 10, 1), phase, 0, before, quiet).compiling());
        Meter.Sample noJvm = new Meter.Sample(10_000_000_000L, new double[] {1}, 0, 0);
        Measurement unknown = Measurement.of(1, 10, window(10, 10, 1), phase, 0, new Meter.Sample(0, new double[] {0}, 0, 0), noJvm);
        assertTrue(Double.isNaN(unknown.jitCoreShare()));
        assertFalse(unknown.compiling());
    }

    @Test
    void pacingSpreadsMessagesEvenly() {
        assertEquals(0, Pacer.dueOffset(0, 200));
        assertEquals(5_000_000, Pacer.dueOffset(1, 200));
        assertEquals(1_000_000_000, Pacer.dueOffset(200, 200));
        assertEquals(1_000_000_000, Pacer.dueOffset(1500, 1500));
    }
}
