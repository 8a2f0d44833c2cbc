package dev.realtimekit;

/**
 * CDI event: this node found that its subscription to a history topic ({@code realtime.history.topics})
 * missed events (after a Redis restart or failover, a lost or repaired subscription, or a gap in the
 * numbers it received), and either delivered them from the topic's history to its local subscribers,
 * or could not and told those subscribers to resync (the {@code {"type":"resync",...}} frame). Either
 * way the local subscribers never miss an event in silence; this event lets the application react too,
 * e.g. reload a per-node cache it keeps of the topic's state.
 *
 * <p>Fired once per gap and node, for {@code @Observes} on the managed executor (not on the thread that
 * delivers the topic's events, which holds the topic) and for {@code @ObservesAsync}; a failing observer
 * is logged and changes nothing for the delivery.
 *
 * @param topic the history topic
 * @param epoch the topic's numbering epoch, as the node stands after the gap
 * @param seq the number of the last event handed to the local subscribers after the gap
 * @param filled whether every missed event was delivered from the history
 * @param reason why not, when not: {@code epoch-changed} (the history was lost, numbering restarted),
 *     {@code expired} (older than the history kept) or {@code unavailable} (the history could not be
 *     read); null when filled
 * @param events how many missed events were delivered from the history (0 when not filled)
 */
public record HistoryGap(String topic, String epoch, long seq, boolean filled, String reason, int events) {
}
