package dev.realtimekit.impl.websocket;

import java.io.IOException;

/**
 * Watches the blocking writes of one session for one that never returns. Liberty's blocking writes
 * wait for the socket without any timeout, and when the client closes the connection during one, the
 * wait can last for ever (about 2 of 900 clients that closed the moment a reply arrived, in
 * ClosingClientsIT): a container thread stays parked in the TCP channel and the container never
 * reports the close. Interrupting that thread does free it, but was seen to corrupt a frame, so the
 * kit does not: this only lets the heartbeat notice such a write, so that the connection is
 * forgotten (its onDisconnect runs) and the fault is logged. It is why blocking writes are off by
 * default ({@code realtime.send-window-bytes=0}).
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
