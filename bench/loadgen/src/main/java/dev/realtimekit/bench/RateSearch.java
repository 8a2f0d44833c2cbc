package dev.realtimekit.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * W3's choice of rates: multiply by the factor while steps pass; after the first failure, bisect between the last
 * passing and the first failing rate for a fixed number of further steps.
 *
 * <p>A failing step may be repeated at the same rate before it counts: one latency burst (a pause of a server, of
 * the machine, of the generator) fails a 10 s step at a rate the servers otherwise sustain, and without a repeat
 * that one burst decides the result (docs/benchmarks.md, run 20: the same build 32,345 and 75,940 deliveries/s).
 * A rate fails only when every try at it failed; a failure that passed on its repeat is kept in
 * {@link #passedOnRepeat()} so the report shows it.
 */
final class RateSearch {

    /** Growth stops here even if every step passes: a run must end (1.5^40 is 11 million times the start). */
    static final int MAX_GROWTH_STEPS = 40;

    private final double factor;
    private final int repeats;
    private int repeatsLeft;
    private boolean repeating;
    private final List<Double> passedOnRepeat = new ArrayList<>();
    private int bisectStepsLeft;
    private double rate;
    private double lastPass = Double.NaN;
    private double firstFail = Double.NaN;
    private int growthSteps;
    private boolean bisecting;
    private boolean done;

    /**
     * @param repeats how many times a failing step is tried again at the same rate before the rate counts as
     *     failed (0: the first failure counts)
     */
    RateSearch(double startRate, double factor, int bisectSteps, int repeats) {
        if (startRate <= 0 || factor <= 1 || bisectSteps < 0 || repeats < 0) {
            throw new IllegalArgumentException("need a start rate > 0, a factor > 1, bisect steps >= 0 and repeats >= 0");
        }
        this.rate = startRate;
        this.factor = factor;
        this.bisectStepsLeft = bisectSteps;
        this.repeats = repeats;
        this.repeatsLeft = repeats;
    }

    /** The rate of the next step, or NaN when the search is over. */
    double next() {
        return done ? Double.NaN : rate;
    }

    /** Reports the outcome of the step at {@link #next()}. */
    void report(boolean passed) {
        if (done) {
            throw new IllegalStateException("the search is over");
        }
        if (!passed && repeatsLeft > 0) {
            repeatsLeft--;
            repeating = true;
            return; // the same rate once more
        }
        if (passed && repeating) {
            passedOnRepeat.add(rate);
        }
        repeating = false;
        repeatsLeft = repeats;
        // Bisected rates lie between the two bounds, so each outcome narrows the interval.
        if (passed) {
            lastPass = rate;
        } else {
            firstFail = rate;
        }
        if (!bisecting) {
            growthSteps++;
            if (passed) {
                if (growthSteps >= MAX_GROWTH_STEPS) {
                    done = true;
                } else {
                    rate *= factor;
                }
                return;
            }
            bisecting = true;
        } else {
            bisectStepsLeft--;
        }
        if (bisectStepsLeft <= 0) {
            done = true;
            return;
        }
        // No passing step yet: bisect down from the start rate towards 0.
        double low = Double.isNaN(lastPass) ? 0 : lastPass;
        rate = (low + firstFail) / 2;
    }

    /** @return whether the next step repeats a failed one at the same rate */
    boolean repeating() {
        return repeating && !done;
    }

    /** @return the rates whose first step failed and whose repeat passed, in the order tried */
    List<Double> passedOnRepeat() {
        return List.copyOf(passedOnRepeat);
    }

    /** The highest passing rate, or NaN when no step passed. */
    double best() {
        return lastPass;
    }
}
