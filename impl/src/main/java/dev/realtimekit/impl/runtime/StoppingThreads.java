package dev.realtimekit.impl.runtime;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for the kit's last work when the managed executor is gone before the application: Liberty's
 * server stop shuts its default managed executor down before it stops the applications, so the drain
 * and the connections' onDisconnect calls would never run (and the stop would wait
 * {@code realtime.shutdown-timeout-ms} for them). Two daemon threads, started only when first needed,
 * gone two seconds after their last task; the caller hands them work already entered with the
 * application's context.
 */
final class StoppingThreads implements Executor {

    private final AtomicInteger created = new AtomicInteger();
    private volatile ThreadPoolExecutor threads;

    @Override
    public void execute(Runnable task) {
        pool().execute(task);
    }

    private synchronized ThreadPoolExecutor pool() {
        if (threads == null) {
            threads = new ThreadPoolExecutor(2, 2, 2, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "realtime-kit-stopping-" + created.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            threads.allowCoreThreadTimeOut(true);
        }
        return threads;
    }

    /** Lets the threads finish what they hold, then go. */
    synchronized void close() {
        if (threads != null) {
            threads.shutdown();
        }
    }
}
