package dev.realtimekit.test;

import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;

import dev.realtimekit.impl.dispatch.Outbound;

/**
 * A simulated client's socket as the dispatcher sees it: frames are received at once and in order
 * (the client reads faster than any server writes, so no send queue fills up), and a close from the
 * server is recorded and then reported back to the dispatcher, as the container does after the close
 * handshake.
 */
final class ClientOutbound implements Outbound {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Executor container;
    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closeStatus = new CompletableFuture<>();
    private volatile Runnable closedByServer = () -> {
    };
    private boolean open = true;

    /** @param container the threads on which the close is reported, as a container's would */
    ClientOutbound(Executor container) {
        this.container = container;
    }

    /** @param reported runs (on another thread) after the server closed the connection */
    void onClosedByServer(Runnable reported) {
        this.closedByServer = reported;
    }

    BlockingQueue<String> frames() {
        return frames;
    }

    CompletableFuture<CloseStatus> closeStatus() {
        return closeStatus;
    }

    @Override
    public synchronized boolean offer(String frame) {
        if (!open) {
            return false;
        }
        frames.add(frame);
        return true;
    }

    @Override
    public CompletionStage<Void> send(String frame) {
        return offer(frame) ? DONE : CompletableFuture.failedFuture(new IOException("the connection is closed"));
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        synchronized (this) {
            if (!open) {
                return DONE;
            }
            open = false;
        }
        closeStatus.complete(new CloseStatus(code, reason == null ? "" : reason));
        // The container reports the close on its own thread, after the handshake: never re-entrantly.
        container.execute(closedByServer);
        return DONE;
    }

    /** The client closed (with {@code status}) or vanished: nothing reaches it any more. */
    void closedByClient(CloseStatus status) {
        synchronized (this) {
            open = false;
        }
        closeStatus.complete(status);
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public void closed() {
        closedByClient(new CloseStatus(1006, "closed without a close frame"));
    }
}
