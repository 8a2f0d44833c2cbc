package dev.realtimekit.impl.dispatch;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The outbound of a connection that is subscribed before its WebSocket session exists: the handshake
 * registers the connection and waits for its subscription, so events can arrive before the container
 * has opened the session. They are kept, in order and bounded by the send queue capacity, and handed
 * to the session's outbound when it is attached; from then on every call goes straight through.
 * Frames beyond the capacity, or text beyond the byte limit, close the connection as too slow (1008)
 * once it opens.
 */
final class DeferredOutbound implements Outbound {

    private final int capacity;
    private final long maxBytes;
    /** Guarded by this: characters of text kept so far (a lower bound of their UTF-8 bytes). */
    private long keptChars;
    private volatile Outbound target;
    /** Guarded by this; null once attached. */
    private ArrayDeque<Consumer<Outbound>> pending = new ArrayDeque<>();
    /** Guarded by this: the session whose kept calls are being replayed (see {@link #attach}), else null. */
    private Outbound replayingTo;
    /** Guarded by this: no more frames are taken before the attach (closed, abandoned or overflowed). */
    private boolean refusing;

    DeferredOutbound(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /**
     * Hands everything kept so far to the session's outbound, in order; later calls go straight to it.
     *
     * <p>A replayed call may come back here on the same thread while the lock is held: a write that
     * fails at once closes the session, and Liberty reports that close ({@link #closed}) before the
     * write returns; a fan-out on the writing thread may offer more. So the calls are taken from the
     * head one at a time: one kept meanwhile is replayed after the older ones, and a close ends the
     * replay.
     */
    void attach(Outbound session) {
        synchronized (this) {
            // Replay before publishing the target: a caller that sees it must find the older frames queued.
            replayingTo = session;
            try {
                for (Consumer<Outbound> call = pending.poll(); call != null; call = pending.poll()) {
                    call.accept(session);
                }
            } finally {
                replayingTo = null;
                pending = null;
                target = session;
            }
        }
    }

    @Override
    public boolean offer(String frame) {
        Outbound session = target;
        if (session == null) {
            synchronized (this) {
                if (target == null) {
                    return keep(opened -> opened.offer(frame), frame.length());
                }
            }
            session = target;
        }
        return session.offer(frame);
    }

    @Override
    public CompletionStage<Void> send(String frame) {
        Outbound session = target;
        if (session == null) {
            synchronized (this) {
                if (target == null) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    if (!keep(opened -> relay(opened.send(frame), done), frame.length())) {
                        done.completeExceptionally(new IOException("Connection closed, or its send queue overflowed"));
                    }
                    return done;
                }
            }
            session = target;
        }
        return session.send(frame);
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        Outbound session = target;
        if (session == null) {
            synchronized (this) {
                if (target == null) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    if (refusing) {
                        done.complete(null);
                    } else {
                        pending.add(opened -> relay(opened.close(code, reason), done));
                        refusing = true;
                    }
                    return done;
                }
            }
            session = target;
        }
        return session.close(code, reason);
    }

    @Override
    public boolean isOpen() {
        Outbound session = target;
        if (session != null) {
            return session.isOpen();
        }
        synchronized (this) {
            return target != null ? target.isOpen() : !refusing;
        }
    }

    @Override
    public void closed() {
        Outbound session = target;
        if (session == null) {
            synchronized (this) {
                if (target == null) {
                    refusing = true;
                    pending.clear();
                    if (replayingTo != null) {
                        replayingTo.closed(); // reported during the attach: the session must know too
                    }
                    return;
                }
            }
            session = target;
        }
        session.closed();
    }

    /** For diagnosis: the session's outbound once attached, else what is kept for it. */
    @Override
    public String toString() {
        Outbound session = target;
        if (session != null) {
            return session.toString();
        }
        synchronized (this) {
            return target != null ? target.toString()
                    : "not attached: " + (pending == null ? 0 : pending.size()) + " kept" + (refusing ? ", refusing" : "");
        }
    }

    /** Keeps a call for the attach; caller holds the lock. @return false when it was refused */
    private boolean keep(Consumer<Outbound> call, int chars) {
        if (refusing) {
            return false;
        }
        if (pending.size() >= capacity || keptChars >= maxBytes) {
            // As with a session that falls this far behind: close it as too slow once it opens.
            refusing = true;
            pending.clear();
            pending.add(opened -> opened.close(1008, "Send queue overflow"));
            return false;
        }
        pending.add(call);
        keptChars += chars;
        return true;
    }

    private static void relay(CompletionStage<Void> stage, CompletableFuture<Void> done) {
        stage.whenComplete((ignored, failure) -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(null);
            }
        });
    }
}
