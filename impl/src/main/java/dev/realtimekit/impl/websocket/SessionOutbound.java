package dev.realtimekit.impl.websocket;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.InterruptedByTimeoutException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import dev.realtimekit.impl.dispatch.Outbound;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.impl.metrics.SlowConsumerReason;

/**
 * The outgoing side of one WebSocket session. Frames wait in a bounded queue and exactly one write is
 * in progress at a time (containers refuse a second write while one is in progress); whichever thread
 * queues a frame into an empty queue becomes the writer and writes until the queue is empty.
 *
 * <p>Two ways to write. A blocking write costs a fraction of an asynchronous one on Liberty (no
 * hand-off to the selector and back through the executor per frame), but has no timeout, so it is
 * only used while the client is within its {@link SendWindow}: everything it has not proven to have
 * read (by answering a ping) fits in the socket's send buffer, so the write cannot block on it. Past
 * the window, and after {@value #BLOCKING_WRITES_PER_TURN} frames in one turn (so that a busy
 * connection does not keep a fan-out thread to itself), the next frame is written asynchronously with
 * the send timeout, and its completion continues the loop.
 *
 * <p>No thread ever waits for a slow client: a client whose queue overflows (in frames or in bytes)
 * is disconnected (1008), and a write that takes longer than the send timeout fails and closes the
 * session.
 *
 * <p>Keep-alive: {@link #heartbeat} queues a ping like a frame, so it never overlaps a write; a
 * client from which nothing (no pong, no message) arrived since the previous heartbeat's ping is
 * closed with 1001.
 *
 * <p>Blocking writes and the container's close. When a connection fails (the client vanished or sent
 * a close without waiting), Liberty 25 calls {@code onClose} and then writes its close frame on the
 * same TCP write context, without waiting for a blocking write of ours still in progress there; two
 * writes on one context lose one waiter for good (the blocking write then waits for ever in
 * {@code SimpleSync.simpleWait}: 3 to 5 of 900 clients that close the moment a reply arrives, in
 * ClosingClientsIT). So every blocking write and ping runs inside a gate, and {@link
 * #containerClosing}, called from {@code onClose}, shuts the gate and waits for the write inside it
 * to finish before the container goes on to its close frame. It waits for an asynchronous write in
 * flight as well: Liberty's close frame shares that write's buffers too. Pings go through the asynchronous
 * remote, which on Liberty writes them at once as well, but never waits for the link: its blocking
 * {@code sendPing} waits for ever when the link closed just before (okToWrite with a CLOSED link).
 */
final class SessionOutbound implements Outbound {

    static final int SLOW_CONSUMER = 1008;
    static final String SLOW_CONSUMER_REASON = "Send queue overflow";
    /** Blocking writes one writer does in a row before it hands the rest to an asynchronous write. */
    static final int BLOCKING_WRITES_PER_TURN = 64;
    /**
     * How long frames the window refuses wait for the outstanding ping's pong before they are
     * written asynchronously instead: a client that reads promptly answers within this, and its
     * frames then keep going out with cheap blocking writes (an asynchronous write costs about three
     * times as much on Liberty, and under load enough of them make everyone slower).
     */
    static final long PONG_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final int PING_TIMEOUT = 1001;
    static final String PING_TIMEOUT_REASON = "Ping timeout";

    // The per-frame state is fields of this object, not atomics of their own: a fan-out touches every
    // subscriber's outbound once per event, and each extra object is one more cache miss per delivery.
    private static final VarHandle SIZE;
    private static final VarHandle QUEUED_BYTES;
    private static final VarHandle ACCEPTING;
    private static final VarHandle PARKED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SIZE = lookup.findVarHandle(SessionOutbound.class, "size", int.class);
            QUEUED_BYTES = lookup.findVarHandle(SessionOutbound.class, "queuedBytes", long.class);
            ACCEPTING = lookup.findVarHandle(SessionOutbound.class, "accepting", boolean.class);
            PARKED = lookup.findVarHandle(SessionOutbound.class, "parked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Session session;
    private final RealtimeMetrics metrics;
    private final RemoteEndpoint.Async remote;
    private final RemoteEndpoint.Basic blocking;
    private final SendWindow window;
    /** The gate of the blocking writes and pings; the container's close shuts it (see the class comment). */
    private final BlockingWrites blockingWrites = new BlockingWrites();
    /** Held to start an asynchronous write, to end one, and by the container's close to wait for one. */
    private final ReentrantLock asyncGate = new ReentrantLock();
    /** Set, under {@link #asyncGate}, once the container is closing the connection: no asynchronous write starts. */
    private boolean containerClosing;
    /** Guarded by {@link #asyncGate}: an asynchronous write was started and has not completed. */
    private boolean asyncWriteInFlight;
    /** Signalled, under {@link #asyncGate}, when an asynchronous write completes. */
    private final Condition asyncWriteDone = asyncGate.newCondition();
    private final long sendTimeoutNanos;
    private final int capacity;
    private final long maxBytes;
    /** Bytes of the text frames queued or being written (until their write completes). */
    private volatile long queuedBytes;
    /** When anything last arrived from the client ({@link System#nanoTime}). */
    private volatile long lastHeardNanos = System.nanoTime();
    /** When the last keep-alive ping was queued; meaningful once {@link #pinged} is set. One heartbeat at a time. */
    private volatile long pingedNanos;
    private volatile boolean pinged;
    /** Set by the first heartbeat that found the session closed or closing but not yet reported closed by the container. */
    private volatile boolean closeUnreported;
    private final Queue<Frame> queue = new ConcurrentLinkedQueue<>();
    /** Frames queued or being written; whoever raises it from 0 becomes the writer. */
    private volatile int size;
    /** False once a close was requested or the queue overflowed: no more frames are accepted. */
    private volatile boolean accepting = true;
    /** True once the session is gone: queued frames are failed instead of written. */
    private volatile boolean closed;
    /** True after an overflow: queued data frames are dropped so the close goes out at once. */
    private volatile boolean dropping;
    /**
     * Set while the writer waits for a pong (see {@link #PONG_WAIT_NANOS}): the queue's head is
     * {@link #parkedFrame}, and whoever clears this flag becomes the writer.
     */
    private volatile boolean parked;
    /** The frame the window refused while parked; written before this flag is set, read after it is cleared. */
    private Frame parkedFrame;
    private volatile long parkedNanos;
    private final long pongWaitNanos;
    /** Runs a task once a pong wait is over (the JDK's delay thread hands it to the executor). */
    private final Executor afterWait;
    /** Runs the session's closes, off the writing thread (see {@link #closeLater}). */
    private final Executor closer;
    /** The requested close's stage (see {@link #close}); null until one was requested. */
    private volatile CompletableFuture<Void> closeRequested;

    /**
     * @param windowBytes bytes the client may be behind its last answered ping while frames are still
     *     written with blocking writes; 0 writes every frame asynchronously
     */
    SessionOutbound(Session session, int capacity, long maxBytes, long sendTimeoutMs, long windowBytes) {
        this(session, capacity, maxBytes, sendTimeoutMs, windowBytes, RealtimeMetrics.NONE, PONG_WAIT_NANOS, Runnable::run);
    }

    /**
     * @param metrics told about each frame's write and each slow-consumer close
     * @param pongWaitNanos how long frames the window refuses wait for a pong before they go
     *     asynchronously; 0 sends them asynchronously at once
     * @param afterWait runs the end of a wait no pong ended (the frames then go asynchronously), and
     *     the session's closes (see {@link #closeLater})
     */
    SessionOutbound(Session session, int capacity, long maxBytes, long sendTimeoutMs, long windowBytes,
            RealtimeMetrics metrics, long pongWaitNanos, Executor afterWait) {
        this.metrics = metrics;
        this.afterWait = CompletableFuture.delayedExecutor(pongWaitNanos, TimeUnit.NANOSECONDS, afterWait);
        this.closer = afterWait;
        this.pongWaitNanos = pongWaitNanos;
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.remote.setSendTimeout(sendTimeoutMs);
        this.blocking = windowBytes > 0 ? session.getBasicRemote() : null;
        this.window = new SendWindow(windowBytes);
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.sendTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(sendTimeoutMs);
    }

    /** Something arrived from the client (container read thread): it is alive. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /**
     * Gives up on the connection when a blocking write has been stuck for longer than the send timeout
     * (see {@link BlockingWrites}): logs it and runs {@code whenGone}. Then, with {@code ping}, closes
     * the connection (1001) when nothing arrived from the client since the previous call's ping, and
     * runs {@code whenGone}, or else pings it. Frames still waiting for a pong whose wait is over go
     * asynchronously (should the wait's timer have been lost). A session the kit closed (or began to
     * close) whose close the container still has not reported at the next call is given up too
     * ({@code whenGone}).
     * Called by one heartbeat thread at a fixed interval.
     *
     * @return false once the connection is closed or given up: no further heartbeats are needed
     */
    boolean heartbeat(long nowNanos, boolean ping, Runnable whenGone) {
        if (blockingWrites.stuck(sendTimeoutNanos, nowNanos)) {
            Messages.writeStuck(session.getId(), sendTimeoutNanos / 1_000_000, true);
            metrics.slowConsumerClosed(SlowConsumerReason.SEND_TIMEOUT);
            closed = true;
            accepting = false;
            whenGone.run();
            return false;
        }
        if (closed || !accepting) {
            // Closed or closing, and the container has not reported the close yet (its onClose takes the
            // session off the heartbeat): it normally does within moments. Liberty 25 may never report
            // it when its own close after a failed write fails in its TCP channel; the connection is
            // given up one heartbeat later, so that it does not stay registered for ever.
            if (closeUnreported) {
                Messages.closeNeverReported(session.getId());
                whenGone.run();
                return false;
            }
            closeUnreported = true;
            return true;
        }
        if (parked && nowNanos - parkedNanos >= pongWaitNanos) {
            // The wait's timer should have ended it (its task went to an executor that may refuse or lose
            // it): without this, the frames would wait for a pong or a close that may never come.
            resume(true);
        }
        if (!ping) {
            return true;
        }
        if (pinged && lastHeardNanos - pingedNanos < 0) {
            Messages.pingTimedOut(session.getId());
            close(PING_TIMEOUT, PING_TIMEOUT_REASON);
            whenGone.run();
            return false;
        }
        pinged = true;
        pingedNanos = nowNanos;
        if (size < capacity) {
            append(new Frame(null, null, null, 0));
        }
        return true;
    }

    /** The client answered a ping (container read thread); may widen the window for blocking writes. */
    void pong(ByteBuffer payload) {
        heard();
        window.pong(payload);
        if (parked) {
            resume(false);
        }
    }

    @Override
    public boolean offer(String frame) {
        return enqueue(new Frame(frame, null, null, SendWindow.textFrameBytes(frame)));
    }

    @Override
    public CompletionStage<Void> send(String frame) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!enqueue(new Frame(frame, done, null, SendWindow.textFrameBytes(frame)))) {
            done.completeExceptionally(new IOException("Connection closed, or its send queue overflowed"));
        }
        return done;
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed || !ACCEPTING.compareAndSet(this, true, false)) {
            done.complete(null);
            return done;
        }
        closeRequested = done;
        append(new Frame(null, done, new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason), 0));
        return done;
    }

    /**
     * Called on the container's read thread after it handed the kit a message or a part of one: while
     * a requested close (1009 for that message, 1008 for a flood, or any other) has not returned, the
     * thread waits for it, at most the send timeout, before the container reads on.
     *
     * <p>Liberty 25's close from another thread, finding the read thread busy, marks the link as
     * expecting the client's close answer and returns at once, before it writes its own close frame;
     * if the read thread then reads another data frame (the client was still sending), Liberty drops
     * the TCP connection, so the client never gets the close frame: 8 of 60 clients that sent a too
     * large message in fragments saw only the end of the stream (FrameLimitsIT). Held here, the read
     * thread reads nothing more until the close frame is out.
     */
    void holdReadingWhileClosing() {
        CompletableFuture<Void> close = closeRequested;
        if (close == null || close.isDone()) {
            return;
        }
        try {
            close.get(sendTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Failed or slow: the connection is going anyway, and the container may read on.
        }
    }

    @Override
    public boolean isOpen() {
        return !closed && accepting;
    }

    @Override
    public void closed() {
        closed = true;
        accepting = false;
        resume(true); // parked frames are failed, not left waiting
    }

    /**
     * The container is closing the connection ({@code onClose}, on the container's thread): no write
     * or ping starts after this returns, and the one in progress, blocking or asynchronous, if any,
     * has ended (or has taken longer than the send timeout: then the container's close frame may
     * race with it, which is logged).
     *
     * <p>Asynchronous writes too: Liberty 25 writes its close frame through the connection's one
     * frame writer and buffers without waiting for an asynchronous write in flight, and the two
     * then share (and release) the same pooled buffers: other clients received frames spliced from
     * other connections' frames (9 of 900 clients in ClosingClientsIT, asynchronous variant).
     */
    void containerClosing() {
        closed = true;
        accepting = false;
        long deadline = System.nanoTime() + sendTimeoutNanos;
        if (!blockingWrites.shut(sendTimeoutNanos)) {
            Messages.writeStuck(session.getId(), sendTimeoutNanos / 1_000_000, true);
            return;
        }
        boolean locked = false;
        try {
            locked = asyncGate.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!locked) {
            Messages.writeStuck(session.getId(), sendTimeoutNanos / 1_000_000, false);
            return;
        }
        try {
            containerClosing = true;
            for (long left = deadline - System.nanoTime(); asyncWriteInFlight && left > 0; ) {
                left = asyncWriteDone.awaitNanos(left);
            }
            if (asyncWriteInFlight) {
                Messages.writeStuck(session.getId(), sendTimeoutNanos / 1_000_000, false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            asyncGate.unlock();
        }
        resume(true);
    }

    /**
     * Notes an asynchronous write as started, unless the container is closing the connection.
     *
     * @return false when the container is closing: nothing may be written
     */
    private boolean asyncWriteStarting() {
        asyncGate.lock();
        try {
            if (containerClosing) {
                return false;
            }
            asyncWriteInFlight = true;
            return true;
        } finally {
            asyncGate.unlock();
        }
    }

    /** An asynchronous write completed: a container close waiting for it may go on. */
    private void asyncWriteEnded() {
        asyncGate.lock();
        try {
            asyncWriteInFlight = false;
            asyncWriteDone.signalAll();
        } finally {
            asyncGate.unlock();
        }
    }

    private boolean enqueue(Frame frame) {
        if (closed || !accepting) {
            return false;
        }
        // A frame larger than the byte limit still goes to a client that is not behind.
        if (size >= capacity || queuedBytes >= maxBytes) {
            overflow();
            return false;
        }
        append(frame);
        return true;
    }

    private void append(Frame frame) {
        if (frame.bytes != 0) {
            QUEUED_BYTES.getAndAdd(this, frame.bytes);
        }
        // Nothing queued nor in flight: this thread becomes the writer and writes the frame without
        // queueing it (a fan-out mostly finds its subscribers idle).
        if (size == 0 && SIZE.compareAndSet(this, 0, 1)) {
            writeQueued(frame);
            return;
        }
        // Add before counting: a writer that sees the count never finds the queue empty.
        queue.add(frame);
        if ((int) SIZE.getAndAdd(this, 1) == 0) {
            writeQueued(null);
        } else if (parked && (frame.close != null || !accepting)) {
            resume(true); // a close does not wait behind the parked frames (a late pong is the timer's)
        }
    }

    private void overflow() {
        if (ACCEPTING.compareAndSet(this, true, false)) {
            Messages.slowConsumer(session.getId(), size, queuedBytes);
            metrics.slowConsumerClosed(SlowConsumerReason.QUEUE_FULL);
            dropping = true;
            append(new Frame(null, null, new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, SLOW_CONSUMER_REASON), 0));
        }
    }

    /**
     * The writer's loop: runs until the queue is empty, an asynchronous write is in flight, or the
     * writer parks to wait for a pong.
     *
     * @param first the frame to write first (a parked one), or null to start with the queue's head
     */
    private void writeQueued(Frame first) {
        int blockingWrites = 0;
        Frame frame = first;
        while (true) {
            if (frame == null) {
                frame = queue.poll();
            }
            if (frame.close != null) {
                closeSession(frame);
            } else if (frame.text == null) {
                keepAlivePing();
            } else if (closed || dropping) {
                frame.fail(new IOException("Connection closed"));
            } else if (blockingWrites < BLOCKING_WRITES_PER_TURN && writeBlocking(frame)) {
                blockingWrites++;
            } else {
                if (blockingWrites < BLOCKING_WRITES_PER_TURN) {
                    pingWhenFull(); // the window refused the frame
                    Park park = park(frame);
                    if (park == Park.PARKED) {
                        return; // the pong, the wait's timer or a close resumes
                    }
                    if (park == Park.RETRY) {
                        continue; // the pong came meanwhile
                    }
                }
                if (startWrite(frame)) {
                    return; // its bytes count until it is written
                }
            }
            if (done(frame) == 0) {
                return;
            }
            frame = null;
        }
    }

    private enum Park { PARKED, RETRY, NO }

    /** Parks the writer with this frame at the head when the window's pong is due soon (see {@link #PONG_WAIT_NANOS}). */
    private Park park(Frame frame) {
        long now = System.nanoTime();
        if (pongWaitNanos == 0 || closed || dropping || !accepting
                || !window.awaitingPong(frame.bytes, now, pongWaitNanos)) {
            return Park.NO;
        }
        parkedFrame = frame;
        parkedNanos = now;
        parked = true;
        // A pong, a close or a stale wait noticed before the flag was set did not resume: look again.
        if ((window.fits(frame.bytes) || closed || !accepting) && PARKED.compareAndSet(this, true, false)) {
            parkedFrame = null;
            return Park.RETRY;
        }
        afterWait.execute(this::endWaitIfOver);
        return Park.PARKED;
    }

    /** The wait's time is over: unless a pong or another frame ended it (or a newer wait began), the frames go asynchronously. */
    private void endWaitIfOver() {
        if (parked && System.nanoTime() - parkedNanos >= pongWaitNanos) {
            resume(true);
        }
    }

    /**
     * Ends a park, if any: whoever clears the flag writes on, from the parked frame.
     *
     * @param async write the parked frame asynchronously (no pong came in time) instead of trying the window again
     */
    private void resume(boolean async) {
        if (!PARKED.compareAndSet(this, true, false)) {
            return;
        }
        Frame frame = parkedFrame;
        parkedFrame = null;
        if (!async || closed || dropping) {
            writeQueued(frame);
            return;
        }
        if (!startWrite(frame) && done(frame) > 0) {
            writeQueued(null);
        }
    }

    /** A frame left the queue for good (written, failed or dropped). @return the frames still queued or in flight */
    private int done(Frame frame) {
        if (frame.bytes != 0) {
            QUEUED_BYTES.getAndAdd(this, -frame.bytes);
        }
        return (int) SIZE.getAndAdd(this, -1) - 1;
    }

    /** @return true when the frame was handled (written, or failed and the session closed); false: write it asynchronously */
    private boolean writeBlocking(Frame frame) {
        if (blocking == null) {
            return false;
        }
        int reserved = window.reserve(frame.bytes);
        if (reserved == SendWindow.REFUSED) {
            return false;
        }
        if (!blockingWrites.begin()) {
            frame.fail(new IOException("Connection closed"));
            return true;
        }
        Exception failure = null;
        try {
            blocking.sendText(frame.text);
        } catch (IOException | RuntimeException e) {
            failure = e;
        } finally {
            blockingWrites.end();
        }
        if (failure instanceof IllegalStateException) {
            // The container is writing a frame of its own (a pong, a close): leave this one to the asynchronous path.
            return false;
        }
        if (failure != null) {
            failWrite(frame, failure);
            return true;
        }
        frame.complete();
        metrics.frameSent(true);
        if (reserved == SendWindow.RESERVED_PING_DUE) {
            ping();
        }
        return true;
    }

    /** Pings the client when half the window is used, so that its pong widens the window before it is full. */
    private void ping() {
        windowPing(window.pingIfDue(System.nanoTime()));
    }

    /** Before a frame the window refused goes asynchronously: a ping whose pong can reopen the window (see {@link SendWindow#pingWhenFull}). */
    private void pingWhenFull() {
        if (blocking != null) {
            windowPing(window.pingWhenFull(System.nanoTime()));
        }
    }

    private void windowPing(ByteBuffer payload) {
        if (payload == null) {
            return;
        }
        try {
            blockingWrites.run(() -> remote.sendPing(payload));
        } catch (IOException | RuntimeException e) {
            // No pong will widen the window: frames go asynchronously, which is slower but just as correct.
            Messages.LOG.fine(() -> "Ping failed on session " + session.getId() + ": " + e);
        }
    }

    /**
     * Writes a keep-alive ping; its pong also confirms, for the send window, everything written before
     * it. A failed one leaves the verdict to the next heartbeat. The ping is tiny but still a blocking
     * write: it waits if the socket's send buffer is full, which takes a client that stopped reading
     * right after the previous write completed; that risk is taken once per ping interval, and the
     * heartbeat gives such a write up after the send timeout (see {@link BlockingWrites}).
     */
    private void keepAlivePing() {
        if (closed || dropping) {
            return;
        }
        ByteBuffer payload = window.keepAlivePing(System.nanoTime());
        try {
            blockingWrites.run(() -> remote.sendPing(payload));
        } catch (IOException | RuntimeException e) {
            Messages.LOG.fine(() -> "Keep-alive ping failed on session " + session.getId() + ": " + e);
        }
    }

    /** @return true when the write is in flight and its completion will continue the loop */
    private boolean startWrite(Frame frame) {
        if (!asyncWriteStarting()) {
            frame.fail(new IOException("Connection closed"));
            return false;
        }
        window.wrote(frame.bytes);
        metrics.frameSent(false);
        frame.writer = Thread.currentThread();
        try {
            remote.sendText(frame.text, result -> written(frame, result));
        } catch (RuntimeException e) {
            frame.writer = null;
            if (!frame.end()) {
                return !frame.completedInline; // its completion came first and has it in hand
            }
            asyncWriteEnded();
            failWrite(frame, e);
            return false;
        }
        frame.writer = null;
        // A completion that ran inside sendText left the loop to us instead of recursing.
        return !frame.completedInline;
    }

    private void written(Frame frame, SendResult result) {
        if (!frame.end()) {
            // A second completion for one write would count the frame out twice, and a second writer
            // would then write while the first one does: frames interleaved on the wire.
            Messages.unexpected("a second completion of one write on session " + session.getId(),
                    new IllegalStateException("write completed twice: " + result.isOK()));
            return;
        }
        asyncWriteEnded();
        if (result.isOK()) {
            frame.complete();
        } else {
            failWrite(frame, result.getException());
        }
        if (frame.writer == Thread.currentThread()) {
            frame.completedInline = true;
            return;
        }
        if (done(frame) > 0) {
            writeQueued(null);
        }
    }

    private void failWrite(Frame frame, Throwable failure) {
        frame.fail(failure);
        Messages.deliveryFailed(session.getId(), failure);
        if (!closed && isTimeout(failure)) {
            metrics.slowConsumerClosed(SlowConsumerReason.SEND_TIMEOUT);
        }
        closed = true;
        accepting = false;
        closeLater(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "Write failed"), null);
    }

    /** @return whether the write failed because it took longer than the send timeout */
    private static boolean isTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException
                    || cause instanceof InterruptedByTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void closeSession(Frame frame) {
        if (closed) {
            frame.complete();
            return;
        }
        closed = true;
        closeLater(frame.close, frame);
    }

    /**
     * Closes the session on the executor, never on the writing thread. Liberty's close can take
     * seconds (it waits up to 3 s for its read side to settle, then up to 5.5 s to write its close
     * frame), and the writer may be a thread handing a topic's event to its subscribers, which every
     * other publisher of that topic waits for: clients that dropped while being written to held up
     * others' onConnect for 17 s (ClosingClientsIT with 5,000 clients, 4 of them silent).
     *
     * A session the container closed meanwhile is left alone.
     *
     * @param frame the close's frame, completed once the close returned; or null
     */
    private void closeLater(CloseReason reason, Frame frame) {
        Runnable close = () -> {
            try {
                if (session.isOpen()) {
                    session.close(reason);
                }
            } catch (IOException | RuntimeException e) {
                Messages.deliveryFailed(session.getId(), e);
            }
            if (frame != null) {
                frame.complete();
            }
        };
        try {
            closer.execute(close);
        } catch (RuntimeException e) {
            close.run(); // refused (the application is stopping): close here rather than never
        }
    }

    /** For diagnosis (the integration tests' stats servlet): this outbound's state, read without locks. */
    @Override
    public String toString() {
        long now = System.nanoTime();
        return "session " + session.getId() + ": queued=" + size + " bytes=" + queuedBytes
                + (parked ? " parked " + (now - parkedNanos) / 1_000_000 + " ms" : "")
                + (asyncWriteInFlight ? " async-write-in-flight" : "") + (containerClosing ? " container-closing" : "")
                + (closed ? " closed" : "") + (accepting ? "" : " refusing") + (dropping ? " dropping" : "")
                + (blockingWrites.stuck(0, now) ? " blocking-write" : "")
                + " heard " + (now - lastHeardNanos) / 1_000_000 + " ms ago"
                + (pinged ? ", pinged " + (now - pingedNanos) / 1_000_000 + " ms ago" : "") + ", window " + window;
    }

    private static final class Frame {
        private static final VarHandle ENDED;

        static {
            try {
                ENDED = MethodHandles.lookup().findVarHandle(Frame.class, "ended", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Null for a close or a keep-alive ping. */
        final String text;
        final CompletableFuture<Void> done;
        final CloseReason close;
        /** Size on the wire of a text frame; 0 for the others. */
        final long bytes;
        /** The thread inside sendText for this frame, while it is inside; only that thread reads it as itself. */
        volatile Thread writer;
        /** Written and read by the writer thread only. */
        boolean completedInline;
        /** Set by whoever ends an asynchronous write first: its completion, or the writer when sendText throws. */
        @SuppressWarnings("unused") // through ENDED: a field, not an AtomicBoolean per frame and subscriber
        private volatile boolean ended;

        /** @return true for the first caller only */
        boolean end() {
            return ENDED.compareAndSet(this, false, true);
        }

        Frame(String text, CompletableFuture<Void> done, CloseReason close, long bytes) {
            this.text = text;
            this.done = done;
            this.close = close;
            this.bytes = bytes;
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
