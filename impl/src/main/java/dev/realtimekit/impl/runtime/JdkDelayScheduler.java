package dev.realtimekit.impl.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Starts the JDK's single {@code CompletableFuture} delay thread ("CompletableFutureDelayScheduler",
 * behind {@code orTimeout}, {@code completeOnTimeout} and {@code delayedExecutor}) without the
 * application's class loader.
 *
 * <p>That thread lives as long as the JVM and takes the context class loader of whichever thread
 * first schedules a delay. When that is an application's thread (the kit's bus at startup, a
 * handshake deadline), the thread keeps that application's class loader, and with it every class
 * the application loaded (Redisson, Netty, the kit), reachable after the application is undeployed,
 * on every redeploy (RedeployIT). Started here first, with no context class loader, it keeps none;
 * when something else started it already, this only schedules one empty task.
 */
final class JdkDelayScheduler {

    private JdkDelayScheduler() {
    }

    static void startWithoutApplicationLoader() {
        Thread current = Thread.currentThread();
        ClassLoader loader = current.getContextClassLoader();
        current.setContextClassLoader(null);
        try {
            CompletableFuture.delayedExecutor(0, TimeUnit.MILLISECONDS).execute(() -> {
            });
        } finally {
            current.setContextClassLoader(loader);
        }
    }
}
