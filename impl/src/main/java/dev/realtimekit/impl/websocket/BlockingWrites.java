package dev.realtimekit.impl.websocket;

import java.io.IOException;

/**
 * Watches the blocking writes of one session for one that never returns. Liberty's blocking writes
 * wait for the socket without any timeout. The one way they were seen to wait for ever, a close frame
 * the container wrote over a blocking write of ours on the same connection, is closed by {@link
 * SessionOutbound}'s gate; this is the safety net behind it: the heartbeat notices a write stuck for
 * longer than the send timeout, forgets the connection (its onDisconnect runs) and logs the fault. It
 * never interrupts the writer: interrupting a thread inside Liberty's write was seen to free it and to
 * corrupt a frame.
 */
final class BlockingWrites {

    /** A blocking write or ping. */
    @FunctionalInterface
    interface Write {
        void run() throws IOException;
    }

    /** When the write in progress started ({@link System#nanoTime}); meaningful while {@link #writing}. */
    private volatile long startedNanos;
    private volatile boolean writing;

    /** Runs a blocking write on the calling thread. */
    void run(Write write) throws IOException {
        startedNanos = System.nanoTime();
        writing = true;
        try {
            write.run();
        } finally {
            writing = false;
        }
    }

    /** @return whether a write has been in progress for at least {@code limitNanos} at {@code nowNanos} */
    boolean stuck(long limitNanos, long nowNanos) {
        return writing && nowNanos - startedNanos >= limitNanos;
    }
}
