package dev.realtimekit.bench;

/**
 * W3's choice of rates: multiply by the factor while steps pass; after the first failure, bisect between the last
 * passing and the first failing rate for a fixed number of further steps.
 */
final class RateSearch {

    /** Growth stops here even if every step passes: a run must end (1.5^40 is 11 million times the start). */
    static final int MAX_GROWTH_STEPS = 40;

    private final double factor;
    private int bisectStepsLeft;
    private double rate;
    private double lastPass = Double.NaN;
    private double firstFail = Double.NaN;
    private int growthSteps;
    private boolean bisecting;
    private boolean done;

    RateSearch(double startRate, double factor, int bisectSteps) {
        if (startRate <= 0 || factor <= 1 || bisectSteps < 0) {
            throw new IllegalArgumentException("need a start rate > 0, a factor > 1 and bisect steps >= 0");
        }
        this.rate = startRate;
        this.factor = factor;
        this.bisectStepsLeft = bisectSteps;
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

    /** The highest passing rate, or NaN when no step passed. */
    double best() {
        return lastPass;
    }
}
