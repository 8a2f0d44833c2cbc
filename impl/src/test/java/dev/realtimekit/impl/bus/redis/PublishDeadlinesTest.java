package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.realtimekit.testsupport.Await;

class PublishDeadlinesTest {

    private static final long TIMEOUT_MS = 300;

    /** A publisher whose sends Redis never answers. */
    private final TopicPublisher unanswered = new TopicPublisher(payloads -> new CompletableFuture<>(), idle -> {
    });
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger checks = new AtomicInteger();
    /** The publishers, counting how often the deadlines look at them. */
    private final AbstractCollection<TopicPublisher> publishers = new AbstractCollection<>() {
        @Override
        public Iterator<TopicPublisher> iterator() {
            checks.incrementAndGet();
            return List.of(unanswered).iterator();
        }

        @Override
        public int size() {
            return 1;
        }
    };

    @Test
    void anUnansweredSendFailsWithinTheTimeoutButNotBeforeTheLastTick() {
        new PublishDeadlines(publishers, TIMEOUT_MS, stopped::get).start();
        long started = System.nanoTime();
        CompletableFuture<Void> publish = unanswered.publish("event");
        assertTrue(Await.failure(publish) instanceof TimeoutException);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs >= TIMEOUT_MS - TIMEOUT_MS / 10, "failed " + tookMs + " ms after it was sent");
        stopped.set(true);
    }

    @Test
    void stopsCheckingWhenTold() {
        new PublishDeadlines(publishers, TIMEOUT_MS, stopped::get).start();
        Await.until("two checks", () -> checks.get() >= 2);
        stopped.set(true);
        int atStop = checks.get();
        // Await.SHORT is more than three ticks; the check already scheduled may still run.
        Await.never("a check after the stop", () -> checks.get() > atStop + 1);
        assertFalse(unanswered.publish("late").isDone(), "no deadline applies any more");
    }
}
