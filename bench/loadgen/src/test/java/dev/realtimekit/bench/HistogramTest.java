package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void emptyHistogramReportsZero() {
        Histogram h = new Histogram();
        assertEquals(0, h.count());
        assertEquals(0, h.percentile(99));
        assertEquals(0, h.max());
    }

    @Test
    void smallValuesAreExact() {
        Histogram h = new Histogram();
        for (long v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertEquals(50, h.percentile(50));
        assertEquals(90, h.percentile(90));
        assertEquals(99, h.percentile(99));
        assertEquals(100, h.percentile(100));
        assertEquals(100, h.max());
    }

    @Test
    void percentilesOfAUniformSpreadAreWithinOnePercent() {
        Histogram h = new Histogram();
        // 1 us .. 1 s in 1 us steps: p-th percentile is p% of 1 s
        for (long us = 1; us <= 1_000_000; us++) {
            h.record(us * 1000);
        }
        for (double p : new double[] {1, 50, 90, 99, 99.9}) {
            double expected = p / 100 * 1e9;
            double actual = h.percentile(p);
            assertTrue(Math.abs(actual - expected) / expected < 0.01, "p" + p + ": " + actual + " vs " + expected);
        }
        assertEquals(1_000_000_000L, h.max());
    }

    @Test
    void everyBucketIsAtMostOnePercentWide() {
        for (long v = 1000; v < Histogram.MAX_VALUE; v = v * 3 / 2 + 7) {
            int i = Histogram.indexOf(v);
            long low = Histogram.lowestOf(i);
            long next = Histogram.lowestOf(i + 1);
            assertTrue(low <= v && v < next, v + " not in [" + low + "," + next + ")");
            assertTrue((next - low) / (double) low <= 0.01, "bucket of " + v + " is " + (next - low) + " wide");
        }
    }

    @Test
    void outliersAreClampedButTheMaxStaysExact() {
        Histogram h = new Histogram();
        h.record(-5);
        h.record(120_000_000_000L);
        assertEquals(2, h.count());
        assertEquals(0, h.percentile(50));
        assertEquals(120_000_000_000L, h.max());
        long p100 = h.percentile(100);
        assertTrue(Math.abs(p100 - Histogram.MAX_VALUE) / (double) Histogram.MAX_VALUE < 0.01, "p100 " + p100);
    }

    @Test
    void aPercentileNeverExceedsTheMax() {
        Histogram h = new Histogram();
        h.record(1_000_001);
        assertEquals(1_000_001, h.percentile(50));
    }

    @Test
    void concurrentRecordingLosesNothing() throws InterruptedException {
        Histogram h = new Histogram();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            long base = (t + 1) * 1_000_000L;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    h.record(base + i);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(400_000, h.count());
        assertEquals(4_099_999, h.max());
    }
}
