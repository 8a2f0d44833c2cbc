package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.realtimekit.testsupport.Await;

class TopicPublisherTest {

    /** The sends the publisher made, each completed by the test. */
    private final List<List<String>> sent = new ArrayList<>();
    private final List<CompletableFuture<Void>> answers = new ArrayList<>();
    private final AtomicInteger idle = new AtomicInteger();
    private final TopicPublisher publisher = new TopicPublisher(payloads -> {
        sent.add(List.copyOf(payloads));
        CompletableFuture<Void> answer = new CompletableFuture<>();
        answers.add(answer);
        return answer;
    }, publisher -> idle.incrementAndGet());

    @Test
    void publishesMadeWhileOneIsInFlightGoTogetherInTheirOrderInTheNextSend() {
        CompletableFuture<Void> first = publisher.publish("a");
        CompletableFuture<Void> second = publisher.publish("b");
        CompletableFuture<Void> third = publisher.publish("c");
        assertEquals(List.of(List.of("a")), sent, "one send in flight at a time");
        assertFalse(second.isDone());

        answers.get(0).complete(null);
        assertTrue(first.isDone() && !first.isCompletedExceptionally());
        assertEquals(List.of(List.of("a"), List.of("b", "c")), sent);
        assertFalse(second.isDone(), "done when Redis answered its own send");

        answers.get(1).complete(null);
        assertTrue(second.isDone() && third.isDone());
        assertEquals(1, idle.get(), "nothing waits: the publisher goes idle");
        assertNull(publisher.publish("d"), "an idle publisher is retired");
    }

    @Test
    void aFailedSendFailsEveryPublishInItAndTheNextSendStillGoes() {
        publisher.publish("a");
        CompletableFuture<Void> b = publisher.publish("b");
        CompletableFuture<Void> c = publisher.publish("c");
        CompletableFuture<Void> later = new CompletableFuture<>();
        answers.get(0).complete(null);
        publisher.publish("d").whenComplete((ignored, failure) -> later.complete(null));

        IllegalStateException down = new IllegalStateException("redis down");
        answers.get(1).completeExceptionally(down);
        assertEquals(down, Await.failure(b));
        assertEquals(down, Await.failure(c));
        assertEquals(List.of("d"), sent.get(2), "the publish made meanwhile is sent next");
        answers.get(2).complete(null);
        assertTrue(later.isDone());
    }

    @Test
    void anUnansweredSendFailsOnceItIsOlderThanTheLimitAndTheNextSendGoes() {
        CompletableFuture<Void> first = publisher.publish("a");
        CompletableFuture<Void> waiting = publisher.publish("b");
        long limit = TimeUnit.SECONDS.toNanos(2);

        publisher.expire(System.nanoTime(), limit);
        assertFalse(first.isDone(), "a young send is left alone");

        publisher.expire(System.nanoTime() + limit, limit);
        assertTrue(Await.failure(first) instanceof TimeoutException);
        assertEquals(List.of(List.of("a"), List.of("b")), sent, "what waited behind it goes in the next send");
        assertFalse(waiting.isDone());

        answers.get(0).complete(null); // Redis answers late: the sender was already told it failed
        assertTrue(Await.failure(first) instanceof TimeoutException);
        publisher.expire(System.nanoTime() + limit / 2, limit);
        assertFalse(waiting.isDone(), "the next send has a deadline of its own");
        answers.get(1).complete(null);
        assertTrue(waiting.isDone() && !waiting.isCompletedExceptionally());
        assertEquals(1, idle.get(), "nothing in flight or waiting any more");
    }

    @Test
    void tooManyWaitingFailAtOnce() {
        publisher.publish("in-flight");
        for (int i = 0; i < TopicPublisher.MAX_WAITING; i++) {
            assertFalse(publisher.publish("w" + i).isDone());
        }
        CompletableFuture<Void> refused = publisher.publish("one too many");
        assertTrue(Await.failure(refused) instanceof RejectedExecutionException);

        answers.get(0).complete(null);
        assertEquals(TopicPublisher.MAX_BATCH, sent.get(1).size(), "waiting publishes go in batches of at most MAX_BATCH");
        assertEquals("w0", sent.get(1).get(0));
    }

    @Test
    void aSendThatThrowsFailsItsPublishes() {
        TopicPublisher throwing = new TopicPublisher(payloads -> {
            throw new IllegalStateException("client shut down");
        }, publisher -> idle.incrementAndGet());
        CompletableFuture<Void> failed = throwing.publish("a");
        assertNotNull(failed);
        assertTrue(Await.failure(failed) instanceof IllegalStateException);
        assertEquals(1, idle.get());
    }

    /** Completes when the bus has made its first connection ({@link FirstConnection}). */
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** A publisher whose sends wait for {@link #ready}, recording into the same lists. */
    private final TopicPublisher gatedPublisher = new TopicPublisher(payloads -> {
        sent.add(List.copyOf(payloads));
        CompletableFuture<Void> answer = new CompletableFuture<>();
        answers.add(answer);
        return answer;
    }, publisher -> idle.incrementAndGet(), ready);

    @Test
    void beforeTheFirstConnectionASendWaitsWithoutBlockingAndGoesWhenItOpens() {
        CompletableFuture<Void> first = gatedPublisher.publish("a");
        CompletableFuture<Void> second = gatedPublisher.publish("b");
        assertEquals(List.of(), sent, "nothing goes to Redis before the first connection");
        assertFalse(first.isDone());

        ready.complete(null);
        assertEquals(List.of(List.of("a")), sent);
        answers.get(0).complete(null);
        assertEquals(List.of(List.of("a"), List.of("b")), sent, "then in order, one send at a time");
        answers.get(1).complete(null);
        assertTrue(first.isDone() && second.isDone() && !second.isCompletedExceptionally());
    }

    @Test
    void aSendThatExpiredBeforeTheFirstConnectionIsNeverSentSoTheNextCannotOvertakeIt() {
        CompletableFuture<Void> expired = gatedPublisher.publish("a");
        CompletableFuture<Void> next = gatedPublisher.publish("b");
        long limit = TimeUnit.SECONDS.toNanos(1);
        gatedPublisher.expire(System.nanoTime() + limit, limit);
        assertTrue(Await.failure(expired) instanceof TimeoutException);
        assertFalse(next.isDone(), "the next send waits for the first connection in its turn");

        ready.complete(null);
        assertEquals(List.of(List.of("b")), sent, "only the send still wanted goes");
        answers.get(0).complete(null);
        assertTrue(next.isDone() && !next.isCompletedExceptionally());
    }

    @Test
    void whenTheBusClosesBeforeTheFirstConnectionTheWaitingPublishesFail() {
        CompletableFuture<Void> first = gatedPublisher.publish("a");
        CompletableFuture<Void> second = gatedPublisher.publish("b");
        IllegalStateException closed = new IllegalStateException("closed");
        ready.completeExceptionally(closed);
        assertEquals(closed, Await.failure(first));
        assertEquals(closed, Await.failure(second));
        assertEquals(List.of(), sent);
    }
}
