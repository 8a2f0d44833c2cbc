package dev.realtimekit.impl.registry;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.realtimekit.impl.history.HistoryFrames;
import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.NumberedEvents.Numbered;
import dev.realtimekit.impl.history.Position;
import dev.realtimekit.impl.i18n.Messages;

/**
 * One history topic's delivery on this node: keeps the node's position in the topic's numbering,
 * fills gaps in what the bus delivered from the history (or tells the local subscribers to resync),
 * and positions each new subscriber (with its {@code since}: replays what it missed, then
 * {@code recovered}; else {@code subscribed}), holding its live events meanwhile so that nothing is
 * missed or repeated at the seam.
 *
 * <p>Every method but the constructor runs under the registry's lock of this topic (the lock object
 * given to the constructor), also when a history read completes, so deliveries of one topic never
 * interleave. Reads start on {@link History#executor()}, never under the lock (the in-JVM bus
 * numbers and delivers under its own lock, which a read takes too).
 */
final class HistoryTopic {

    /** A subscriber's request: where it stands, and the {@code ,"id":...} member its position frame echoes. */
    record Recovery(Position since, String idMember) {
        static final Recovery NONE = new Recovery(null, "");
    }

    /** What the registry tells this topic about deliveries: to count them and to observe each event. */
    interface Deliveries {
        /** An event went to {@code subscribers} local subscribers; {@code payload} is the event's JSON text. */
        void delivered(String payload, int subscribers);
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
    private final Set<TopicRegistry.Subscriber> members;
    private final Deliveries deliveries;
    /** Subscribers not yet positioned; all others get frames directly. */
    private final Map<TopicRegistry.Subscriber, Gate> gates = new IdentityHashMap<>();
    /** Events the bus delivered while the node's own read is in flight, or behind a gap. */
    private final ArrayDeque<Numbered> held = new ArrayDeque<>();
    /** The last events handed to the subscribers, which reconnecting clients get without a read. */
    private final RecentEvents recent;
    /** A read for subscribers that need older events than {@link #recent} holds is in flight. */
    private boolean backfilling;

    /** The node's position: the last event handed to the local subscribers; epoch null until known. */
    private String epoch;
    private long last;
    /** A node read (the first position, or a gap's fill) is in flight; its generation, to ignore stale ones. */
    private boolean reading;
    private int readGeneration;
    /** The bus said events may have been missed while a read was in flight: read again after it. */
    private boolean readAgain;
    private boolean closed;
    /** The first position could not be read, and that was logged (once per topic). */
    private boolean readFailureLogged;

    HistoryTopic(String topic, Object lock, History history, Set<TopicRegistry.Subscriber> members, Deliveries deliveries) {
        this.topic = topic;
        this.topicJson = HistoryFrames.json(topic);
        this.lock = lock;
        this.history = history;
        this.members = members;
        this.deliveries = deliveries;
        this.recent = new RecentEvents(history.settings().size(), history.settings().ttlMs());
    }

    /** The topic has its first subscriber: learn the node's position before delivering anything. */
    void start() {
        startRead();
    }

    /** The topic has no subscriber left on this node: reads in flight are ignored. */
    void close() {
        closed = true;
        gates.values().forEach(this::released);
        gates.clear();
        held.clear();
    }

    /**
     * A subscriber joined (it is in {@code members} already): it is positioned as its recovery asks.
     *
     * @return a stage that completes, off this topic's lock, once its position frame (and what it
     *     missed, for a recovery) was handed to it, or it left
     */
    CompletableFuture<Void> join(TopicRegistry.Subscriber subscriber, Recovery recovery) {
        Gate gate = new Gate(recovery);
        gates.put(subscriber, gate);
        if (epoch != null) {
            position(subscriber, gate);
        }
        return gate.opened;
    }

    /** A subscriber left. */
    void leave(TopicRegistry.Subscriber subscriber) {
        Gate gate = gates.remove(subscriber);
        if (gate != null) {
            released(gate);
        }
    }

    /** Whoever waits for the gate goes on, on the executor: never under this topic's lock. */
    private void released(Gate gate) {
        gate.opened.completeAsync(() -> null, history.executor());
    }

    /** An event from the bus. */
    void onEvent(Numbered event) {
        if (closed) {
            return;
        }
        if (reading && held.size() >= history.maxHeld()) {
            giveUpRead();
        }
        held.addLast(event);
        drain();
    }

    /** The bus may have missed events (its subscription was interrupted): compare with the history. */
    void onPossibleGap() {
        if (closed || epoch == null) {
            return;
        }
        if (reading) {
            readAgain = true;
        } else {
            startRead();
        }
    }

    /** Hands the held events on in order, until one needs a read first. */
    private void drain() {
        while (!reading && !held.isEmpty()) {
            Numbered event = held.peekFirst();
            if (epoch == null) {
                // Only when the first read failed and an event arrived: take the position from it.
                epoch = event.epoch();
                last = event.seq() - 1;
                positionWaiting();
            }
            if (!event.epoch().equals(epoch)) {
                moveTo(new Position(event.epoch(), event.seq() - 1), "epoch-changed");
            } else if (event.seq() <= last) {
                // The numbering went back (a Redis restored from an older snapshot): what the clients hold is stale.
                moveTo(new Position(event.epoch(), event.seq() - 1), "epoch-changed");
            } else if (event.seq() > last + 1) {
                startRead(); // a gap: fill it from the history first
                return;
            }
            held.pollFirst();
            deliver(event.seq(), event.payload());
            last = event.seq();
        }
    }

    /** Tells every local subscriber to resync at the target, which becomes the node's position. */
    private void moveTo(Position target, String reason) {
        Messages.historyResync(topic, reason);
        String frame = resyncFrame(target, reason, "");
        for (TopicRegistry.Subscriber member : members) {
            Gate gate = gates.get(member);
            if (gate == null) {
                send(member, frame);
            } else if (gate.joinedAt != null) {
                gate.held.add(frame);
            }
        }
        epoch = target.epoch();
        last = target.seq();
        recent.clear();
        history.gapListener().accept(new History.Gap(topic, target, reason, 0));
    }

    /** A node read: the first position, a gap's fill, or a check after an interruption. */
    private void startRead() {
        reading = true;
        readAgain = false;
        int generation = ++readGeneration;
        long after = epoch == null ? Long.MAX_VALUE : last;
        history.read(topic, after).whenComplete((page, failure) -> {
            synchronized (lock) {
                if (!closed && reading && generation == readGeneration) {
                    readDone(page, failure);
                }
            }
        });
    }

    /** The held events overflowed while a read is in flight: go on without it. */
    private void giveUpRead() {
        reading = false;
        readGeneration++;
        Numbered first = held.peekFirst();
        if (epoch == null) {
            epoch = first.epoch();
            last = first.seq() - 1;
            positionWaiting();
        } else {
            moveTo(new Position(first.epoch(), first.seq() - 1), "unavailable");
        }
    }

    private void readDone(HistoryPage page, Throwable failure) {
        reading = false;
        Numbered first = held.peekFirst();
        Position target = first != null ? new Position(first.epoch(), first.seq() - 1)
                : page != null ? new Position(page.epoch(), page.last()) : null;
        if (target == null) {
            if (epoch == null) {
                // Not even a position yet and nothing arrived: try again shortly (Redis may be down).
                if (!readFailureLogged) {
                    readFailureLogged = true;
                    Messages.historyReadFailed(topic, failure);
                }
                reading = true;
                int generation = readGeneration;
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, history.executor()).execute(() -> {
                    synchronized (lock) {
                        if (!closed && generation == readGeneration) {
                            startRead();
                        }
                    }
                });
            }
            return;
        }
        if (epoch == null) {
            epoch = target.epoch();
            last = target.seq();
            positionWaiting();
        } else if (!(target.epoch().equals(epoch) && target.seq() == last)) {
            fill(target, page, failure);
        }
        if (readAgain) {
            startRead();
        }
        drain();
    }

    /** Delivers the events between the node's position and the target from the page, or resyncs. */
    private void fill(Position target, HistoryPage page, Throwable failure) {
        String reason;
        if (failure != null) {
            reason = "unavailable";
        } else if (!target.epoch().equals(epoch) || target.seq() < last || !page.epoch().equals(epoch)) {
            reason = "epoch-changed";
        } else {
            List<HistoryPage.Entry> missed = covered(page, last, target.seq());
            if (missed != null) {
                for (HistoryPage.Entry entry : missed) {
                    deliver(entry.seq(), entry.payload());
                }
                Messages.historyGapFilled(topic, missed.size());
                history.gapListener().accept(new History.Gap(topic, target, null, missed.size()));
                last = target.seq();
                return;
            }
            reason = "expired";
        }
        moveTo(target, reason);
    }

    /** @return the page's events numbered (after, upTo], when it has every one of them, none too old; else null */
    private List<HistoryPage.Entry> covered(HistoryPage page, long after, long upTo) {
        long oldest = System.currentTimeMillis() - history.settings().ttlMs();
        List<HistoryPage.Entry> range = page.entries().stream().filter(e -> e.seq() > after && e.seq() <= upTo).toList();
        if (range.size() != upTo - after) {
            return null;
        }
        for (int i = 0; i < range.size(); i++) {
            if (range.get(i).seq() != after + 1 + i || range.get(i).publishedMillis() < oldest) {
                return null;
            }
        }
        return range;
    }

    /** Positions the subscribers that joined before the node knew its position. */
    private void positionWaiting() {
        for (Map.Entry<TopicRegistry.Subscriber, Gate> waiting : List.copyOf(gates.entrySet())) {
            if (waiting.getValue().joinedAt == null) {
                position(waiting.getKey(), waiting.getValue());
            }
        }
    }

    /** The node knows its position: tell the subscriber where it stands, replaying what it missed. */
    private void position(TopicRegistry.Subscriber subscriber, Gate gate) {
        Position at = new Position(epoch, last);
        gate.joinedAt = at;
        Position since = gate.recovery.since();
        String id = gate.recovery.idMember();
        if (since == null) {
            open(subscriber, gate, HistoryFrames.subscribed(topicJson, at, id));
        } else if (!since.epoch().equals(at.epoch())) {
            open(subscriber, gate, resyncFrame(at, "epoch-changed", id));
        } else if (since.seq() > at.seq()) {
            open(subscriber, gate, resyncFrame(at, "unknown-position", id));
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
                send(subscriber, eventFrame(entry.seq(), excluding == null ? entry.payload() : excluding.frame(),
                        gate.joinedAt.epoch()));
                replayed++;
            }
        }
        open(subscriber, gate, recoveredFrame(gate.joinedAt, replayed, gate.recovery.idMember()));
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
        if (failure == null && page.epoch().equals(epoch)) {
            recent.extendBackwards(page.entries(), last);
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
                open(waiting.getKey(), gate, resyncFrame(gate.joinedAt, "unavailable", id));
            } else if (!page.epoch().equals(gate.joinedAt.epoch())) {
                open(waiting.getKey(), gate, resyncFrame(gate.joinedAt, "epoch-changed", id));
            } else if (since >= after) {
                // The read covered this position: its events are no longer kept.
                open(waiting.getKey(), gate, resyncFrame(gate.joinedAt, "expired", id));
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
        released(gate);
        gate.backfilling = false;
        send(subscriber, positionFrame);
        for (String frame : gate.held) {
            send(subscriber, frame);
        }
    }

    /** Hands one event to every local subscriber (held for those not positioned yet) and tells the registry. */
    private void deliver(long seq, String busPayload) {
        BusMessages.Decoded excluding = BusMessages.excluded(busPayload);
        String payload = excluding == null ? busPayload : excluding.frame();
        String excluded = excluding == null ? null : excluding.target();
        String frame = eventFrame(seq, payload, epoch);
        recent.append(new HistoryPage.Entry(seq, System.currentTimeMillis(), busPayload));
        int delivered = 0;
        boolean anyGate = !gates.isEmpty();
        for (TopicRegistry.Subscriber member : members) {
            if (excluded != null && excluded.equals(member.id())) {
                continue;
            }
            Gate gate = anyGate ? gates.get(member) : null;
            if (gate == null) {
                send(member, frame);
            } else if (gate.joinedAt != null) {
                if (gate.held.size() >= history.maxHeld()) {
                    open(member, gate, resyncFrame(gate.joinedAt, "unavailable", gate.recovery.idMember()));
                    send(member, frame);
                } else {
                    gate.held.add(frame);
                }
            }
            delivered++;
        }
        deliveries.delivered(payload, delivered);
    }

    private static void send(TopicRegistry.Subscriber subscriber, String frame) {
        try {
            subscriber.deliverFrame(frame);
        } catch (RuntimeException e) {
            Messages.deliveryFailed(subscriber.id(), e);
        }
    }

    private String eventFrame(long seq, String payload, String eventEpoch) {
        return HistoryFrames.event(topicJson, new Position(eventEpoch, seq), payload);
    }

    private String recoveredFrame(Position at, int replayed, String id) {
        return HistoryFrames.recovered(topicJson, at, replayed, id);
    }

    private String resyncFrame(Position at, String reason, String id) {
        return HistoryFrames.resync(topicJson, at, reason, id);
    }
}
