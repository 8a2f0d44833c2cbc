package dev.realtimekit.impl.registry;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.realtimekit.impl.history.HistoryFrames;
import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.Position;

/**
 * The subscribers of one history topic on this node that are not positioned yet: each waits behind a
 * gate, which holds its live frames until its position frame was sent ({@code subscribed}; with
 * {@code since}: the events it missed, then {@code recovered}; or {@code resync}). Missed events come
 * from the node's {@link RecentEvents}, or from one history read at a time that extends them for
 * everyone waiting (a reconnect storm costs one read, not one per client).
 *
 * <p>Guarded by the topic's lock (see {@link HistoryTopic}); reads complete under it too.
 */
final class SubscriberPositions {

    /** A subscriber's request: where it stands, and the {@code ,"id":...} member its position frame echoes. */
    record Recovery(Position since, String idMember) {
    }

    /** A subscriber not yet positioned: its live frames wait here. */
    private static final class Gate {
        final Recovery recovery;
        /** The node's position when the subscriber was positioned; null while the node has none yet. */
        Position joinedAt;
        /** Waits for a read of older events than this node keeps. */
        boolean backfilling;
        /** Completes once the position frame was sent (or the subscriber left): off this topic's lock. */
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        final ArrayDeque<String> held = new ArrayDeque<>();

        Gate(Recovery recovery) {
            this.recovery = recovery;
        }
    }

    private final String topic;
    private final String topicJson;
    private final Object lock;
    private final History history;
    private final RecentEvents recent;
    /** The node's position, or null while it has none. */
    private final Supplier<Position> node;
    private final Map<TopicRegistry.Subscriber, Gate> gates = new IdentityHashMap<>();
    /** A read for subscribers that need older events than {@link #recent} holds is in flight. */
    private boolean backfilling;
    private boolean closed;

    SubscriberPositions(String topic, Object lock, History history, RecentEvents recent, Supplier<Position> node) {
        this.topic = topic;
        this.topicJson = HistoryFrames.json(topic);
        this.lock = lock;
        this.history = history;
        this.recent = recent;
        this.node = node;
    }

    /**
     * @return a stage that completes, off the topic's lock, once the subscriber's position frame (and
     *     what it missed, for a recovery) was handed to it, or it left
     */
    CompletableFuture<Void> join(TopicRegistry.Subscriber subscriber, Recovery recovery) {
        Gate gate = new Gate(recovery);
        gates.put(subscriber, gate);
        Position at = node.get();
        if (at != null) {
            position(subscriber, gate, at);
        }
        return gate.opened;
    }

    void leave(TopicRegistry.Subscriber subscriber) {
        Gate gate = gates.remove(subscriber);
        if (gate != null) {
            released(gate);
        }
    }

    /** The topic has no subscriber left on this node. */
    void close() {
        closed = true;
        gates.values().forEach(this::released);
        gates.clear();
    }

    /**
     * Offers one of the topic's frames to a subscriber that may not be positioned yet.
     *
     * @return false when the subscriber is positioned: the caller sends the frame itself
     */
    boolean hold(TopicRegistry.Subscriber subscriber, String frame) {
        Gate gate = gates.isEmpty() ? null : gates.get(subscriber);
        if (gate == null) {
            return false;
        }
        if (gate.joinedAt == null) {
            return true; // not reached: the node positions the waiting subscribers before it delivers anything
        }
        if (gate.held.size() >= history.maxHeld()) {
            open(subscriber, gate, HistoryFrames.resync(topicJson, gate.joinedAt, "unavailable", gate.recovery.idMember()));
            return false;
        }
        gate.held.add(frame);
        return true;
    }

    /** The node has just learned its position: the subscribers that joined before are positioned there. */
    void positionWaiting(Position at) {
        for (Map.Entry<TopicRegistry.Subscriber, Gate> waiting : List.copyOf(gates.entrySet())) {
            if (waiting.getValue().joinedAt == null) {
                position(waiting.getKey(), waiting.getValue(), at);
            }
        }
    }

    /** Tells the subscriber where it stands, replaying what it missed. */
    private void position(TopicRegistry.Subscriber subscriber, Gate gate, Position at) {
        gate.joinedAt = at;
        Position since = gate.recovery.since();
        String id = gate.recovery.idMember();
        if (since == null) {
            open(subscriber, gate, HistoryFrames.subscribed(topicJson, at, id));
        } else if (!since.epoch().equals(at.epoch())) {
            open(subscriber, gate, HistoryFrames.resync(topicJson, at, "epoch-changed", id));
        } else if (since.seq() > at.seq()) {
            open(subscriber, gate, HistoryFrames.resync(topicJson, at, "unknown-position", id));
        } else if (!replayFromRecent(subscriber, gate)) {
            gate.backfilling = true;
            backfill(since.seq());
        }
    }

    /** @return whether the events the subscriber missed were all at hand, and were replayed */
    private boolean replayFromRecent(TopicRegistry.Subscriber subscriber, Gate gate) {
        List<HistoryPage.Entry> missed = recent.covering(gate.recovery.since().seq(), gate.joinedAt.seq(),
                System.currentTimeMillis());
        if (missed == null) {
            return false;
        }
        int replayed = 0;
        for (HistoryPage.Entry entry : missed) {
            BusMessages.Decoded excluding = BusMessages.excluded(entry.payload());
            if (excluding == null || !excluding.target().equals(subscriber.id())) {
                Position position = new Position(gate.joinedAt.epoch(), entry.seq());
                HistoryTopic.send(subscriber, HistoryFrames.event(topicJson, position,
                        excluding == null ? entry.payload() : excluding.frame()));
                replayed++;
            }
        }
        open(subscriber, gate, HistoryFrames.recovered(topicJson, gate.joinedAt, replayed, gate.recovery.idMember()));
        return true;
    }

    /** Reads the history after {@code after} for subscribers behind what this node keeps; one read at a time. */
    private void backfill(long after) {
        if (backfilling) {
            return; // the subscribers still behind after this read ask for the next one
        }
        backfilling = true;
        history.read(topic, after).whenComplete((page, failure) -> {
            synchronized (lock) {
                if (!closed) {
                    backfilled(after, page, failure);
                }
            }
        });
    }

    /** A backfill read is back: extend what this node keeps, then serve the subscribers waiting for it. */
    private void backfilled(long after, HistoryPage page, Throwable failure) {
        backfilling = false;
        Position at = node.get();
        if (failure == null && at != null && page.epoch().equals(at.epoch())) {
            recent.extendBackwards(page.entries(), at.seq());
        }
        long stillBehind = Long.MAX_VALUE;
        for (Map.Entry<TopicRegistry.Subscriber, Gate> waiting : List.copyOf(gates.entrySet())) {
            Gate gate = waiting.getValue();
            if (!gate.backfilling || replayFromRecent(waiting.getKey(), gate)) {
                continue;
            }
            long since = gate.recovery.since().seq();
            String id = gate.recovery.idMember();
            if (failure != null) {
                open(waiting.getKey(), gate, HistoryFrames.resync(topicJson, gate.joinedAt, "unavailable", id));
            } else if (!page.epoch().equals(gate.joinedAt.epoch())) {
                open(waiting.getKey(), gate, HistoryFrames.resync(topicJson, gate.joinedAt, "epoch-changed", id));
            } else if (since >= after) {
                // The read covered this position: its events are no longer kept.
                open(waiting.getKey(), gate, HistoryFrames.resync(topicJson, gate.joinedAt, "expired", id));
            } else {
                stillBehind = Math.min(stillBehind, since); // asked for after the read started
            }
        }
        if (stillBehind != Long.MAX_VALUE) {
            backfill(stillBehind);
        }
    }

    /** Sends the subscriber's position frame, then what was held for it; from now on it gets frames directly. */
    private void open(TopicRegistry.Subscriber subscriber, Gate gate, String positionFrame) {
        gates.remove(subscriber);
        gate.backfilling = false;
        HistoryTopic.send(subscriber, positionFrame);
        for (String frame : gate.held) {
            HistoryTopic.send(subscriber, frame);
        }
        // Only now: the handshake waiting for the gate goes on to onConnect, whose frames must follow these
        // (released first, onConnect's welcome overtook the position frame in 1 of about 75 testing-kit runs).
        released(gate);
    }

    /** Whoever waits for the gate goes on, on the executor: never under the topic's lock. */
    private void released(Gate gate) {
        gate.opened.completeAsync(() -> null, history.executor());
    }
}
