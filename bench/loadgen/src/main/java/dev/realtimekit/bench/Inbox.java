package dev.realtimekit.bench;

/** One subscriber's receive-side accounting: parses a message frame, counts it into the current window, records latency. */
final class Inbox {

    private final Payload.Parsed parsed = new Payload.Parsed();
    private Window window;
    private SeqTracker[] trackers = new SeqTracker[0];

    /**
     * Accounts one message frame received at {@code nowNanos}.
     *
     * @param current the window being measured, or null (warm-up: nothing counts)
     * @return false when the frame does not carry a payload of ours (the caller counts it as an error)
     */
    synchronized boolean onMessage(String frame, Window current, long nowNanos) {
        // Synchronized although a socket's listener calls are sequential: they may run on different pool threads.
        if (!Payload.parse(frame, parsed)) {
            return false;
        }
        // Between windows, a late frame of the last one still marks its bit (for LossReport), counted nowhere.
        Window target = current != null ? current : window;
        if (target == null) {
            return true;
        }
        int publisher = parsed.publisher;
        if (!target.knowsPublisher(publisher)) {
            return current == null;
        }
        if (!target.counts(publisher, parsed.seq)) {
            return true; // sent before this window began: a straggler from warm-up or an earlier step
        }
        if (window != target) {
            window = target;
            trackers = new SeqTracker[trackers.length];
        }
        if (publisher >= trackers.length) {
            trackers = java.util.Arrays.copyOf(trackers, publisher + 1);
        }
        SeqTracker tracker = trackers[publisher];
        if (tracker == null) {
            tracker = new SeqTracker(current.firstSeq(publisher));
            trackers[publisher] = tracker;
        }
        SeqTracker.Outcome outcome = tracker.record(parsed.seq);
        if (current == null) {
            return true;
        }
        switch (outcome) {
            case DUPLICATE -> current.duplicated.increment();
            case OUT_OF_ORDER -> {
                current.outOfOrder.increment();
                current.delivered.increment();
                current.latency.record(nowNanos - parsed.sendNanos);
            }
            case IN_ORDER -> {
                current.delivered.increment();
                current.latency.record(nowNanos - parsed.sendNanos);
            }
        }
        return true;
    }

    /**
     * Reports each sequence number of {@code publisher} in [{@code window}'s first, {@code end}) that this
     * subscriber has not received (counting late frames that arrived after the window closed).
     */
    synchronized void missing(Window of, int publisher, long end, java.util.function.LongConsumer out) {
        SeqTracker tracker = window == of && publisher < trackers.length ? trackers[publisher] : null;
        for (long seq = of.firstSeq(publisher); seq < end; seq++) {
            if (tracker == null || !tracker.seen(seq)) {
                out.accept(seq);
            }
        }
    }
}
