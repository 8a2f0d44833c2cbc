package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class FirstConnectionTest {

    @Test
    void triesOnItsOwnThreadUntilRedisAnswersThenOpens() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        Set<String> triedOn = ConcurrentHashMap.newKeySet();
        FirstConnection first = new FirstConnection(() -> null, client -> {
            triedOn.add(Thread.currentThread().getName());
            if (tries.incrementAndGet() < 3) {
                throw new IllegalStateException("connection refused"); // as Redisson's lazy connect throws
            }
            return CompletableFuture.completedFuture(1L);
        }, 1_000, 1, () -> false);
        assertFalse(first.opened().isDone());
        assertEquals(0, tries.get(), "nothing is tried before start");

        first.start();
        first.opened().get(10, TimeUnit.SECONDS);
        assertEquals(3, tries.get());
        assertEquals(Set.of("realtime-kit-redis-first-connection"), triedOn, "every try on the connector's thread");
    }

    @Test
    void anUnansweredProbeIsTriedAgain() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        FirstConnection first = new FirstConnection(() -> null,
                client -> tries.incrementAndGet() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture(1L),
                50, 1, () -> false);
        first.start();
        first.opened().get(10, TimeUnit.SECONDS);
        assertEquals(2, tries.get(), "the first probe was never answered; the second was");
    }

    @Test
    void theGateFailsWhenTheBusClosesBeforeRedisWasReached() {
        AtomicBoolean closing = new AtomicBoolean();
        FirstConnection first = new FirstConnection(() -> null, client -> {
            closing.set(true); // the bus closes while Redis is still away
            return CompletableFuture.failedFuture(new IllegalStateException("refused"));
        }, 1_000, 1, closing::get);
        first.start();
        ExecutionException failure = assertThrows(ExecutionException.class, () -> first.opened().get(10, TimeUnit.SECONDS));
        assertTrue(failure.getCause() instanceof IllegalStateException);
    }
}
