package dev.realtimekit.bench;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client socket's protocol side: speaks the protocol, accounts what it receives, sends through its {@link Link}.
 * The transport calls {@link #opened}, then {@link #onText}/{@link #unexpected} in order, then {@link #gone} at most once.
 */
final class Connection {

    final int topic;
    private final Protocol protocol;
    private final Counters counters;
    private final AtomicInteger openOfTopic;
    private final Inbox inbox = new Inbox();
    /** Completes when the client is ready (subscribed), fails when the server refuses or closes first. */
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicBoolean open = new AtomicBoolean();
    private volatile boolean closing;
    private volatile Link link;

    Connection(int topic, Protocol protocol, Counters counters, AtomicInteger openOfTopic) {
        this.topic = topic;
        this.protocol = protocol;
        this.counters = counters;
        this.openOfTopic = openOfTopic;
    }

    /** @see Inbox#missing */
    void missing(Window window, long end, java.util.function.LongConsumer out) {
        inbox.missing(window, topic, end, out);
    }

    /** The handshake succeeded. */
    void opened(Link link) {
        this.link = link;
        if (protocol.readyOnOpen()) {
            becomeReady();
        }
    }

    /** One whole text frame (fragments already joined). */
    void onText(String frame) {
        counters.frames.increment();
        switch (protocol.classify(frame)) {
            case MESSAGE -> {
                if (!inbox.onMessage(frame, counters.window, System.nanoTime())) {
                    counters.unexpectedFrame(frame);
                }
            }
            case ERROR -> {
                counters.errorFrame(frame);
                ready.completeExceptionally(new IllegalStateException("server answered " + frame));
            }
            case PING -> send(protocol.pong());
            case OPEN -> send(protocol.connectFrame());
            case READY -> becomeReady();
            case IGNORED -> {
            }
            case UNEXPECTED -> counters.unexpectedFrame(frame);
        }
    }

    /** Anything but a text frame, e.g. "binary frame of 12 bytes": counted as an unexpected frame. */
    void unexpected(String what) {
        counters.unexpectedFrame(what);
    }

    private void becomeReady() {
        if (open.compareAndSet(false, true)) {
            openOfTopic.incrementAndGet();
        }
        ready.complete(null);
    }

    /** The socket closed or failed after it opened: counted as an error unless we dropped it ourselves. */
    void gone(String why) {
        if (open.compareAndSet(true, false)) {
            openOfTopic.decrementAndGet();
        }
        ready.completeExceptionally(new IllegalStateException(why));
        if (!closing) {
            counters.closed(why);
        }
    }

    boolean isOpen() {
        return open.get();
    }

    /** False when the socket's outbound buffer is full: the generator cannot send at its rate (backpressure). */
    boolean writable() {
        Link l = link;
        return l != null && l.writable();
    }

    /** Sends one text frame; never blocks the caller (the scheduler thread, or the transport's own thread). */
    void send(String text) {
        link.send(text);
    }

    /** A send that failed, unless the socket is being dropped anyway. */
    void sendFailed(Throwable failure) {
        if (!closing) {
            counters.sendFailed(failure);
        }
    }

    /** Drops the socket without a closing handshake: at the end of a run, with 10,000 sockets, nothing else is quick. */
    void abort() {
        closing = true;
        Link l = link;
        if (l != null) {
            l.abort();
        }
    }
}
