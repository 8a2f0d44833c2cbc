package dev.realtimekit.impl.websocket;

import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The blocking writes (and pings) of one session: the gate the container's close shuts, and the
 * watch for a write that never returns.
 *
 * <p>The gate: Liberty 25 writes its close frame on the connection's TCP write context without
 * waiting for a blocking write of ours still in progress there, and two writes on one context lose
 * one waiter for good. So {@link #shut} makes sure that no write starts after it returns and waits
 * for the one in progress. It costs a write two volatile stores and two volatile reads, no lock: the
 * writer announces its write and then looks for the shut, the closer announces the shut and then
 * looks for a write, so at least one of them sees the other.
 *
 * <p>The watch: Liberty's blocking writes wait for the socket without any timeout. The heartbeat
 * notices a write stuck for longer than the send timeout ({@link #stuck}), forgets the connection
 * (its onDisconnect runs) and logs the fault. It never interrupts the writer: interrupting a thread
 * inside Liberty's write was seen to free it and to corrupt a frame.
 *
 * <p>Threads: one writer at a time calls {@link #begin}/{@link #end} (or {@link #run}); any thread
 * may call {@link #stuck}; the container's close calls {@link #shut}.
 */
final class BlockingWrites {

    /** A blocking write or ping. */
    @FunctionalInterface
    interface Write {
        void run() throws IOException;
    }

    /** When the write in progress started ({@link System#nanoTime}, never 0); 0 while none is. */
    private volatile long startedNanos;
    /** The thread of the write in progress; written before {@link #startedNanos}, so read after it. */
    private Thread writer;
    private volatile boolean shut;
    /** The thread waiting in {@link #shut}; written before {@link #shut} is set. */
    private volatile Thread closer;

    /**
     * Announces a blocking write; the caller writes only when this returns true, and then calls
     * {@link #end} whatever happens.
     *
     * @return false when the gate is shut: nothing may be written
     */
    boolean begin() {
        long now = System.nanoTime();
        writer = Thread.currentThread();
        startedNanos = now == 0 ? 1 : now;
        if (shut) {
            end();
            return false;
        }
        return true;
    }

    /** The write announced by {@link #begin} returned (or failed). */
    void end() {
        startedNanos = 0;
        if (shut) {
            LockSupport.unpark(closer);
        }
    }

    /**
     * Runs a blocking write on the calling thread, unless the gate is shut.
     *
     * @return false when the gate is shut: nothing was written
     */
    boolean run(Write write) throws IOException {
        if (!begin()) {
            return false;
        }
        try {
            write.run();
        } finally {
            end();
        }
        return true;
    }

    /**
     * Shuts the gate: no write starts after this returns. Waits for the write in progress, if any,
     * unless this thread is the one writing (Liberty reports a close inside a write that failed on
     * the writing thread): it would wait for itself.
     *
     * @return false when a write was still in progress after {@code timeoutNanos}
     */
    boolean shut(long timeoutNanos) {
        closer = Thread.currentThread();
        shut = true;
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (startedNanos != 0 && writer != Thread.currentThread()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
                // An interrupt would end every further park at once: keep it for the caller instead.
                interrupted |= Thread.interrupted();
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return whether {@link #shut} was called */
    boolean isShut() {
        return shut;
    }

    /** @return whether a write has been in progress for at least {@code limitNanos} at {@code nowNanos} */
    boolean stuck(long limitNanos, long nowNanos) {
        long started = startedNanos;
        return started != 0 && nowNanos - started >= limitNanos;
    }
}
