package dev.realtimekit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** Run-wide counters every socket writes to: the current window, and each kind of error, with a few samples. */
final class Counters {

    private static final int MAX_SAMPLES = 5;

    /** The window being measured; null during warm-up and between W3 steps. */
    volatile Window window;
    final LongAdder errorFrames = new LongAdder();
    final LongAdder unexpectedFrames = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder closed = new LongAdder();
    /** Every frame received, counted or not: tells when the servers have gone quiet. */
    final LongAdder frames = new LongAdder();
    private final List<String> samples = new ArrayList<>();

    /** All errors so far; a window's errors are the difference between its end and its start. */
    long errors() {
        return errorFrames.sum() + unexpectedFrames.sum() + sendFailures.sum() + closed.sum();
    }

    void errorFrame(String frame) {
        errorFrames.increment();
        sample("error frame: " + frame);
    }

    void unexpectedFrame(String frame) {
        unexpectedFrames.increment();
        sample("unexpected frame: " + frame);
    }

    void sendFailed(Throwable failure) {
        sendFailures.increment();
        sample("send failed: " + failure);
    }

    void closed(String why) {
        closed.increment();
        sample("closed by the server: " + why);
    }

    /** The first distinct error descriptions, for the report: a count alone does not say what went wrong. */
    synchronized List<String> samples() {
        return List.copyOf(samples);
    }

    private synchronized void sample(String text) {
        String shortened = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        if (samples.size() < MAX_SAMPLES && !samples.contains(shortened)) {
            samples.add(shortened);
        }
    }
}
