package dev.realtimekit.impl.websocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import dev.realtimekit.impl.dispatch.Outbound;
import dev.realtimekit.impl.i18n.Messages;

/**
 * The outgoing side of one WebSocket session. Frames wait in a bounded queue and exactly one write is
 * in progress at a time (containers refuse a second write while one is in progress); whichever thread
 * queues a frame into an empty queue becomes the writer and writes until the queue is empty.
 *
 * <p>A blocking write costs a fraction of an asynchronous one on Liberty (no hand-off to the selector
 * and back through the executor per frame), but has no timeout, so it is only used within the
 * client's {@link SendWindow}: everything it has not proven to have read (by answering a ping) fits
 * in the socket's send buffer, so the write cannot wait for the client. A frame that does not fit
 * waits, with the ones behind it, for the pong of the outstanding ping, which resumes the writer on
 * the thread that read it; the window is small, so a writer never keeps a thread for long. A pong
 * that takes longer than {@value #PONG_WAIT_MS} ms (a client that stopped reading, or never answers
 * pings), and a frame larger than the window, switch the session to asynchronous writes with the
 * send timeout for good.
 *
 * <p>No thread ever waits for a slow client: a client whose queue overflows is disconnected (1008),
 * and an asynchronous write that takes longer than the send timeout fails and closes the session.
 */
final class SessionOutbound implements Outbound {

    static final int SLOW_CONSUMER = 1008;
    static final String SLOW_CONSUMER_REASON = "Send queue overflow";
    /** How long a writer waits for a pong before it writes asynchronously, from then on. */
    static final long PONG_WAIT_MS = 1_000;

    /** What the writer's loop does after one frame. */
    private enum Step {
        /** The frame is written (or failed): go on with the next one. */
        NEXT,
        /** An asynchronous write is in flight: its completion goes on. */
        IN_FLIGHT,
        /** The frame waits for a pong: the pong, or the pong timer, goes on. */
        PARKED,
        /** Look at the same frame again. */
        AGAIN
    }

    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final RemoteEndpoint.Basic blocking;
    private final SendWindow window;
    private final int capacity;
    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    /** Frames queued or being written; whoever raises it from 0 becomes the writer. */
    private final AtomicInteger size = new AtomicInteger();
    /** False once a close was requested or the queue overflowed: no more frames are accepted. */
    private final AtomicBoolean accepting = new AtomicBoolean(true);
    /** True once the session is gone: queued frames are failed instead of written. */
    private volatile boolean closed;
    /** True after an overflow: queued data frames are dropped so the close goes out at once. */
    private volatile boolean dropping;
    /** The frame waiting for a pong, if any; whoever takes it out becomes the writer. */
    private final AtomicReference<Frame> parked = new AtomicReference<>();
    /** Counts parkings, so that a pong timer knows whether the frame it watches is still waiting for the same pong. */
    private final AtomicLong parkings = new AtomicLong();
    private final Executor pongTimer;
    /** Set when a pong took too long, or a frame did not fit in the window: every frame goes asynchronously from then on. */
    private volatile boolean asynchronousOnly;

    /**
     * @param windowBytes bytes the client may be behind its last answered ping while frames are still
     *     written with blocking writes; 0 writes every frame asynchronously
     */
    SessionOutbound(Session session, int capacity, long sendTimeoutMs, long windowBytes) {
        this(session, capacity, sendTimeoutMs, windowBytes, Runnable::run);
    }

    /**
     * @param executor where a writer that stopped waiting for a pong goes on (the application's
     *     managed executor: the container's calls want its context)
     */
    SessionOutbound(Session session, int capacity, long sendTimeoutMs, long windowBytes, Executor executor) {
        this(CompletableFuture.delayedExecutor(PONG_WAIT_MS, TimeUnit.MILLISECONDS, executor), session, capacity,
                sendTimeoutMs, windowBytes);
    }

    /** @param pongTimer runs a task {@value #PONG_WAIT_MS} ms later (tests run it when they choose) */
    SessionOutbound(Executor pongTimer, Session session, int capacity, long sendTimeoutMs, long windowBytes) {
        this.pongTimer = pongTimer;
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.remote.setSendTimeout(sendTimeoutMs);
        this.blocking = windowBytes > 0 ? session.getBasicRemote() : null;
        this.window = new SendWindow(windowBytes);
        this.capacity = capacity;
    }

    /** The client answered a ping (container read thread): widens the window and resumes a waiting writer here. */
    void pong(ByteBuffer payload) {
        if (window.pong(payload)) {
            Frame frame = parked.getAndSet(null);
            if (frame != null) {
                drain(frame);
            }
        }
    }

    @Override
    public boolean offer(String frame) {
        return enqueue(new Frame(frame, null, null));
    }

    @Override
    public CompletionStage<Void> send(String frame) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!enqueue(new Frame(frame, done, null))) {
            done.completeExceptionally(new IOException("Connection closed, or its send queue overflowed"));
        }
        return done;
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed || !accepting.compareAndSet(true, false)) {
            done.complete(null);
            return done;
        }
        append(new Frame(null, done, new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason)));
        return done;
    }

    @Override
    public boolean isOpen() {
        return !closed && accepting.get();
    }

    @Override
    public void closed() {
        closed = true;
        accepting.set(false);
    }

    private boolean enqueue(Frame frame) {
        if (closed || !accepting.get()) {
            return false;
        }
        if (size.get() >= capacity) {
            overflow();
            return false;
        }
        append(frame);
        return true;
    }

    private void append(Frame frame) {
        // Add before counting: a writer that sees the count never finds the queue empty.
        queue.add(frame);
        if (size.getAndIncrement() == 0) {
            writeQueued();
        }
    }

    private void overflow() {
        if (accepting.compareAndSet(true, false)) {
            Messages.slowConsumer(session.getId(), capacity);
            dropping = true;
            append(new Frame(null, null, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, SLOW_CONSUMER_REASON)));
        }
    }

    /** The writer's loop: runs until the queue is empty, an asynchronous write is in flight, or a frame waits for a pong. */
    private void writeQueued() {
        drain(queue.poll());
    }

    private void drain(Frame first) {
        Frame frame = first;
        while (true) {
            Step step = Step.NEXT;
            if (frame.close != null) {
                closeSession(frame);
            } else if (closed || dropping) {
                frame.fail(new IOException("Connection closed"));
            } else {
                step = write(frame);
            }
            if (step == Step.IN_FLIGHT || step == Step.PARKED) {
                return;
            }
            if (step == Step.NEXT) {
                if (size.decrementAndGet() == 0) {
                    return;
                }
                frame = queue.poll();
            }
        }
    }

    private Step write(Frame frame) {
        if (blocking != null && !asynchronousOnly) {
            long bytes = SendWindow.textFrameBytes(frame.text);
            if (!window.fits(bytes)) {
                asynchronousOnly = true;
            } else if (window.reserve(bytes)) {
                return writeBlocking(frame);
            } else {
                return park(frame);
            }
        }
        return startWrite(frame) ? Step.IN_FLIGHT : Step.NEXT;
    }

    private Step writeBlocking(Frame frame) {
        try {
            blocking.sendText(frame.text);
        } catch (IllegalStateException e) {
            // The container is writing a frame of its own (a pong, a close): leave this one to the asynchronous path.
            asynchronousOnly = true;
            return startWrite(frame) ? Step.IN_FLIGHT : Step.NEXT;
        } catch (IOException | RuntimeException e) {
            failWrite(frame, e);
            return Step.NEXT;
        }
        frame.complete();
        ping(false);
        return Step.NEXT;
    }

    /** The frame does not fit in the window yet: it waits for the pong of the outstanding (or a new) ping. */
    private Step park(Frame frame) {
        ping(true);
        if (!window.pingOutstanding()) {
            asynchronousOnly = true; // the ping failed: no pong will come
            return Step.AGAIN;
        }
        long parking = parkings.incrementAndGet();
        parked.set(frame);
        // A pong that came before the frame was parked found nothing to resume.
        if (!window.pingOutstanding() && parked.compareAndSet(frame, null)) {
            return Step.AGAIN;
        }
        pongTimer.execute(() -> {
            if (parkings.get() == parking && parked.compareAndSet(frame, null)) {
                asynchronousOnly = true;
                drain(frame);
            }
        });
        return Step.PARKED;
    }

    /** Pings the client when half the window is used ({@code now}: when a frame is waiting), unless a ping is outstanding. */
    private void ping(boolean now) {
        ByteBuffer payload = window.pingIfDue(now);
        if (payload == null) {
            return;
        }
        try {
            blocking.sendPing(payload);
        } catch (IOException | RuntimeException e) {
            // No pong will widen the window: frames go asynchronously, which is slower but just as correct.
            asynchronousOnly = true;
            Messages.LOG.fine(() -> "Ping failed on session " + session.getId() + ": " + e);
        }
    }

    /** @return true when the write is in flight and its completion will continue the loop */
    private boolean startWrite(Frame frame) {
        window.wrote(SendWindow.textFrameBytes(frame.text));
        frame.writer = Thread.currentThread();
        try {
            remote.sendText(frame.text, result -> written(frame, result));
        } catch (RuntimeException e) {
            frame.writer = null;
            failWrite(frame, e);
            return false;
        }
        frame.writer = null;
        // A completion that ran inside sendText left the loop to us instead of recursing.
        return !frame.completedInline;
    }

    private void written(Frame frame, SendResult result) {
        if (result.isOK()) {
            frame.complete();
        } else {
            failWrite(frame, result.getException());
        }
        if (frame.writer == Thread.currentThread()) {
            frame.completedInline = true;
            return;
        }
        if (size.decrementAndGet() > 0) {
            writeQueued();
        }
    }

    private void failWrite(Frame frame, Throwable failure) {
        frame.fail(failure);
        Messages.deliveryFailed(session.getId(), failure);
        closed = true;
        accepting.set(false);
        try {
            if (session.isOpen()) {
                session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Write failed"));
            }
        } catch (IOException | RuntimeException e) {
            Messages.deliveryFailed(session.getId(), e);
        }
    }

    private void closeSession(Frame frame) {
        if (!closed) {
            closed = true;
            try {
                session.close(frame.close);
            } catch (IOException | RuntimeException e) {
                Messages.deliveryFailed(session.getId(), e);
            }
        }
        frame.complete();
    }

    private static final class Frame {
        final String text;
        final CompletableFuture<Void> done;
        final CloseReason close;
        /** The thread inside sendText for this frame, while it is inside; only that thread reads it as itself. */
        volatile Thread writer;
        /** Written and read by the writer thread only. */
        boolean completedInline;

        Frame(String text, CompletableFuture<Void> done, CloseReason close) {
            this.text = text;
            this.done = done;
            this.close = close;
        }

        void complete() {
            if (done != null) {
                done.complete(null);
            }
        }

        void fail(Throwable failure) {
            if (done != null) {
                done.completeExceptionally(failure);
            }
        }
    }
}
