package dev.realtimekit.impl.dispatch;

import java.util.concurrent.CompletionStage;

/**
 * The outgoing side of one client connection: an ordered, bounded queue of frames written one at a
 * time. Every method is thread-safe and returns without blocking.
 */
public interface Outbound {

    /**
     * Queues a frame without waiting for it to be written (for broadcast fan-out).
     *
     * @return false when the frame was dropped because the connection is closed or its queue overflowed
     */
    boolean offer(String frame);

    /** @return a stage that completes when the frame has been written, or fails when it could not be */
    CompletionStage<Void> send(String frame);

    /**
     * Closes the connection after the frames queued so far.
     *
     * @return a stage that completes when the close frame has been sent or the connection was closed already
     */
    CompletionStage<Void> close(int code, String reason);

    /** @return whether frames can still be queued */
    boolean isOpen();

    /** Marks the connection closed by the peer or the container; queued frames are dropped. */
    void closed();
}
