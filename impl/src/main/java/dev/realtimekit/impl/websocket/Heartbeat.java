package dev.realtimekit.impl.websocket;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.realtimekit.impl.dispatch.Dispatcher;
import dev.realtimekit.impl.i18n.Messages;

/**
 * Finds the connections whose clients are gone without a close: every {@code realtime.ping-interval-ms}
 * it pings each open session and closes those that did not answer the previous ping (see
 * {@link SessionOutbound#heartbeat}), and drops prepared connections whose sessions never opened
 * within one interval after the upgrade, and frees blocking writes stuck for longer than the send
 * timeout ({@link BlockingWrites}). Without pings it does the latter two, every 30 s.
 *
 * <p>Runs on one scheduled task of the managed scheduled executor, which hands each session's turn
 * to the managed executor: a ping is a blocking write, which on Liberty can wait for ever when the
 * client closes during it, and would then stop every later heartbeat. {@link #add} and
 * {@link #remove} are called from container threads.
 */
final class Heartbeat implements AutoCloseable {

    static final long UNOPENED_CHECK_MS = 30_000;

    /** Each open session, with what to do when it stops answering. */
    private final Map<SessionOutbound, Runnable> sessions = new ConcurrentHashMap<>();
    private final Dispatcher<?, ?, Object> dispatcher;
    private final boolean pinging;
    private final long intervalNanos;
    private final ScheduledFuture<?> task;
    private final Executor executor;

    /** @return the managed executor the heartbeat hands work to; outbounds end their pong waits on it too */
    Executor executor() {
        return executor;
    }

    Heartbeat(ScheduledExecutorService scheduler, Executor executor, Dispatcher<?, ?, Object> dispatcher,
            long pingIntervalMs) {
        this.executor = executor;
        this.dispatcher = dispatcher;
        this.pinging = pingIntervalMs > 0;
        long intervalMs = pinging ? pingIntervalMs : UNOPENED_CHECK_MS;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.task = scheduler.scheduleAtFixedRate(this::beat, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** @param whenUnanswered runs on the heartbeat thread once the session is closed for not answering */
    void add(SessionOutbound session, Runnable whenUnanswered) {
        sessions.put(session, whenUnanswered);
    }

    void remove(SessionOutbound session) {
        sessions.remove(session);
    }

    /** One round; never throws, since a periodic task that throws is never run again. */
    void beat() {
        try {
            long now = System.nanoTime();
            for (Map.Entry<SessionOutbound, Runnable> entry : sessions.entrySet()) {
                SessionOutbound session = entry.getKey();
                Runnable whenGone = entry.getValue();
                try {
                    executor.execute(() -> {
                        if (!session.heartbeat(now, pinging, whenGone)) {
                            sessions.remove(session);
                        }
                    });
                } catch (RejectedExecutionException stopping) {
                    // The managed executor refuses work once the server or application stops, which
                    // can come while the drain still holds connections open: this round ends here, the
                    // drain closes them, and nothing is wrong (ServerStopIT counts warnings).
                    Messages.LOG.fine(() -> "The heartbeat's round ended early: the executor refused it (" + stopping + ").");
                    break;
                }
            }
            int abandoned = dispatcher.abandonUnopened(now - intervalNanos);
            if (abandoned > 0) {
                Messages.unopenedAbandoned(abandoned);
            }
        } catch (RuntimeException | Error e) {
            Messages.unexpected("the connection heartbeat", e);
        }
    }

    /** @return whether the periodic task is still scheduled; false once it ended (or was closed) */
    boolean isRunning() {
        return !task.isDone();
    }

    @Override
    public void close() {
        task.cancel(false);
        sessions.clear();
    }
}
