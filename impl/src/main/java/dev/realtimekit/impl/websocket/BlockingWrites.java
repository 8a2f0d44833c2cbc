package dev.realtimekit.impl.websocket;

import java.io.IOException;

/**
 * Frees a blocking write that never returns. Liberty's blocking writes wait for the socket without
 * any timeout, and when the client closes the connection during one, the wait can last for ever (seen
 * in about 2 of 900 clients that closed the moment a reply arrived: a container thread parked in the
 * TCP channel's {@code SimpleSync.simpleWait}, its connection never finished). That wait returns when
 * the thread is interrupted, so a write still in progress when the container reports the close, or
 * older than the send timeout, is interrupted, and counts as failed.
 *
 * <p>The interrupt is set and cleared under this object's lock, so it only ever reaches the thread
 * while that thread is inside the write, never later work of a pooled container thread.
 */
final class BlockingWrites {

    /** A blocking write or ping. */
    @FunctionalInterface
    interface Write {
        void run() throws IOException;
    }

    /** Guarded by this. */
    private Thread writer;
    /** Guarded by this. */
    private long startedNanos;
    /** Guarded by this: the current write was interrupted by {@link #rescue}. */
    private boolean rescued;

    /**
     * Runs a blocking write on the calling thread.
     *
     * @throws IOException when the write failed, or was rescued (then the caller's interrupt flag is clear again)
     */
    void run(Write write) throws IOException {
        synchronized (this) {
            writer = Thread.currentThread();
            startedNanos = System.nanoTime();
        }
        boolean wasRescued;
        try {
            write.run();
        } finally {
            synchronized (this) {
                writer = null;
                wasRescued = rescued;
                rescued = false;
            }
            if (wasRescued) {
                Thread.interrupted(); // the flag we set; the thread goes back to the container
            }
        }
        if (wasRescued) {
            throw new IOException("A blocking write did not return and was abandoned");
        }
    }

    /**
     * Interrupts the write in progress if it started at least {@code olderThanNanos} before {@code nowNanos}.
     *
     * @return whether a write was interrupted
     */
    synchronized boolean rescue(long olderThanNanos, long nowNanos) {
        if (writer == null || rescued || nowNanos - startedNanos < olderThanNanos) {
            return false;
        }
        rescued = true;
        writer.interrupt();
        return true;
    }
}
