package dev.realtimekit.impl.websocket;

import java.io.IOException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import dev.realtimekit.impl.dispatch.Outbound;
import dev.realtimekit.impl.i18n.Messages;

/**
 * The outgoing side of one WebSocket session. Containers refuse a second asynchronous write while one
 * is in progress, so frames wait in a bounded queue and exactly one write is in flight at a time;
 * the next one starts from the completion of the previous. No thread ever blocks on a slow client: a
 * client whose queue overflows is disconnected (1008), and a write that takes longer than the send
 * timeout fails and closes the session.
 */
final class SessionOutbound implements Outbound {

    static final int SLOW_CONSUMER = 1008;
    static final String SLOW_CONSUMER_REASON = "Send queue overflow";

    private final Session session;
    private final RemoteEndpoint.Async remote;
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

    SessionOutbound(Session session, int capacity, long sendTimeoutMs) {
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.remote.setSendTimeout(sendTimeoutMs);
        this.capacity = capacity;
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

    /** The writer's loop: runs until the queue is empty or a write is in flight. */
    private void writeQueued() {
        do {
            Frame frame = queue.poll();
            if (frame.close != null) {
                closeSession(frame);
            } else if (closed || dropping) {
                frame.fail(new IOException("Connection closed"));
            } else if (startWrite(frame)) {
                return;
            }
        } while (size.decrementAndGet() > 0);
    }

    /** @return true when the write is in flight and its completion will continue the loop */
    private boolean startWrite(Frame frame) {
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
