package dev.realtimekit.impl.dispatch;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtimekit.testsupport.Await;

/**
 * An {@link Outbound} that records what it is asked to do. Frames are recorded even after the
 * connection is closed, so a test can see deliveries that should not have been attempted.
 */
class FakeOutbound implements Outbound {

    /** The frames offered or sent, as the very instances passed in, in order. */
    private final List<String> frames = new CopyOnWriteArrayList<>();
    /** Frames and closes in order: {@code "frame <text>"} and {@code "close <code>"}. */
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger closedCalls = new AtomicInteger();
    private volatile boolean open = true;
    private volatile RuntimeException failure;

    /** From now on offer throws the failure and send returns it as a failed stage. */
    void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    @Override
    public boolean offer(String frame) {
        RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        frames.add(frame);
        log.add("frame " + frame);
        return open;
    }

    @Override
    public CompletionStage<Void> send(String frame) {
        RuntimeException f = failure;
        if (f != null) {
            return CompletableFuture.failedFuture(f);
        }
        return offer(frame) ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IOException("Connection closed"));
    }

    @Override
    public CompletionStage<Void> close(int code, String reason) {
        log.add("close " + code);
        open = false;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void closed() {
        closedCalls.incrementAndGet();
        open = false;
    }

    List<String> frames() {
        return List.copyOf(frames);
    }

    List<String> log() {
        return List.copyOf(log);
    }

    int closedCalls() {
        return closedCalls.get();
    }

    /** Waits until at least {@code count} frames arrived; returns them all. */
    List<String> awaitFrames(int count) {
        Await.until(count + " frames (have " + frames + ")", () -> frames.size() >= count);
        return frames();
    }

    /** Waits until at least {@code count} log entries exist; returns the log. */
    List<String> awaitLog(int count) {
        Await.until(count + " log entries (have " + log + ")", () -> log.size() >= count);
        return log();
    }
}
