package dev.realtimekit.impl.registry;

import java.util.ArrayDeque;
import java.util.List;
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
 * and keeps the recent events; new subscribers are positioned by {@link SubscriberPositions}, which
 * holds their live events meanwhile so that nothing is missed or repeated at the seam.
 *
 * <p>Every method but the constructor runs under the registry's lock of this topic (the lock object
 * given to the constructor), also when a history read completes, so deliveries of one topic never
 * interleave. Reads start on {@link History#executor()}, never under the lock (the in-JVM bus
 * numbers and delivers under its own lock, which a read takes too).
 */
final class HistoryTopic {

    /** What the registry tells this topic about deliveries: to count them and to observe each event. */
    interface Deliveries {
        /** An event went to {@code subscribers} local subscribers; {@code payload} is the event's JSON text. */
        void delivered(String payload, int subscribers);
    }

    private final String topic;
    private final String topicJson;
    private final Object lock;
    private final History history;
    private final Set<TopicRegistry.Subscriber> members;
    private final Deliveries deliveries;
    /** Events the bus delivered while the node's own read is in flight, or behind a gap. */
    private final ArrayDeque<Numbered> held = new ArrayDeque<>();
    /** The last events handed to the subscribers, which reconnecting clients get without a read. */
    private final RecentEvents recent;
    private final SubscriberPositions newcomers;

    /** The node's position: the last event handed to the local subscribers; epoch null until known. */
    private String epoch;
    private long last;
    /**
     * The last number of this epoch that came from the bus. A read (the node's first, or a gap's fill)
     * can be ahead of the bus's stream: the events in flight on the subscription when the read ran
     * arrive after it, numbered above this and at most {@link #last}, and are dropped as covered.
     */
    private long streamLast;
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
        this.newcomers = new SubscriberPositions(topic, lock, history, recent, this::position);
    }

    /** @return the node's position, or null before it knows one */
    private Position position() {
        return epoch == null ? null : new Position(epoch, last);
    }

    /** The topic has its first subscriber: learn the node's position before delivering anything. */
    void start() {
        startRead();
    }

    /** The topic has no subscriber left on this node: reads in flight are ignored. */
    void close() {
        closed = true;
        newcomers.close();
        held.clear();
    }

    /**
     * A subscriber joined (it is in {@code members} already): it is positioned as its recovery asks.
     *
     * @param since where it stands, or null
     * @param idMember appended to its position frame, or empty
     * @return a stage that completes, off this topic's lock, once its position frame (and what it
     *     missed, for a recovery) was handed to it, or it left
     */
    CompletableFuture<Void> join(TopicRegistry.Subscriber subscriber, Position since, String idMember) {
        return newcomers.join(subscriber, new SubscriberPositions.Recovery(since, idMember));
    }

    /** A subscriber left. */
    void leave(TopicRegistry.Subscriber subscriber) {
        newcomers.leave(subscriber);
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
                positionAt(new Position(event.epoch(), event.seq() - 1));
            }
            if (!event.epoch().equals(epoch)) {
                moveTo(new Position(event.epoch(), event.seq() - 1), "epoch-changed");
            } else if (event.seq() <= last && event.seq() > streamLast) {
                held.pollFirst(); // covered by a read that was ahead of the stream (see streamLast)
                streamLast = event.seq();
                continue;
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
            streamLast = last;
        }
    }

    /** The node's first position: the subscribers that joined before it are positioned there. */
    private void positionAt(Position first) {
        streamLast = 0;
        epoch = first.epoch();
        last = first.seq();
        newcomers.positionWaiting(first);
    }

    /** Tells every local subscriber to resync at the target, which becomes the node's position. */
    private void moveTo(Position target, String reason) {
        Messages.historyResync(topic, reason);
        String frame = HistoryFrames.resync(topicJson, target, reason, "");
        for (TopicRegistry.Subscriber member : members) {
            if (!newcomers.hold(member, frame)) {
                send(member, frame);
            }
        }
        if (!target.epoch().equals(epoch)) {
            streamLast = 0;
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
        Position before = new Position(first.epoch(), first.seq() - 1);
        if (epoch == null) {
            positionAt(before);
        } else {
            moveTo(before, "unavailable");
        }
    }

    private void readDone(HistoryPage page, Throwable failure) {
        reading = false;
        Numbered first = held.peekFirst();
        Position target = first != null ? new Position(first.epoch(), first.seq() - 1)
                : page != null ? new Position(page.epoch(), page.last()) : null;
        if (target == null) {
            if (epoch == null) {
                retryFirstRead(failure);
            }
            return;
        }
        if (epoch == null) {
            positionAt(target);
        } else if (!(target.epoch().equals(epoch) && target.seq() == last)) {
            fill(target, page, failure);
        }
        if (readAgain) {
            startRead();
        }
        drain();
    }

    /** Not even a position yet and nothing arrived: try again shortly (Redis may be down). */
    private void retryFirstRead(Throwable failure) {
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

    /** Delivers the events between the node's position and the target from the page, or resyncs. */
    private void fill(Position target, HistoryPage page, Throwable failure) {
        String reason;
        if (failure != null) {
            reason = "unavailable";
        } else if (!target.epoch().equals(epoch) || target.seq() < last || !page.epoch().equals(epoch)) {
            reason = "epoch-changed";
        } else {
            List<HistoryPage.Entry> missed = RecentEvents.consecutive(page.entries(), last, target.seq(),
                    System.currentTimeMillis() - history.settings().ttlMs());
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

    /** Hands one event to every local subscriber (held for those not positioned yet) and tells the registry. */
    private void deliver(long seq, String busPayload) {
        BusMessages.Decoded excluding = BusMessages.excluded(busPayload);
        String payload = excluding == null ? busPayload : excluding.frame();
        String excluded = excluding == null ? null : excluding.target();
        String frame = HistoryFrames.event(topicJson, new Position(epoch, seq), payload);
        recent.append(new HistoryPage.Entry(seq, System.currentTimeMillis(), busPayload));
        int delivered = 0;
        for (TopicRegistry.Subscriber member : members) {
            if (excluded != null && excluded.equals(member.id())) {
                continue;
            }
            if (!newcomers.hold(member, frame)) {
                send(member, frame);
            }
            delivered++;
        }
        deliveries.delivered(payload, delivered);
    }

    /** Queues a frame for a subscriber; one that throws is skipped, never the others. */
    static void send(TopicRegistry.Subscriber subscriber, String frame) {
        try {
            subscriber.deliverFrame(frame);
        } catch (RuntimeException e) {
            Messages.deliveryFailed(subscriber.id(), e);
        }
    }
}
