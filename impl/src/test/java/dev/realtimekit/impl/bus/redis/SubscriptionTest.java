package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.RedisException;
import org.redisson.client.RedisTimeoutException;
import org.redisson.misc.CompletableFutureWrapper;

import dev.realtimekit.testsupport.Await;

/**
 * A topic's hand-over from an old client's listener to a new one, in every order the two listeners
 * can see the marker: each event reaches the registry once, in order. No Redis: Redisson's channel is
 * a fake whose confirmations the test controls.
 */
class SubscriptionTest {

    private static final String MARKER = Subscription.PROBE + "test:handover-1";
    private static final long LONG_GRACE_MS = 60_000;

    private final List<String> delivered = Collections.synchronizedList(new ArrayList<>());
    /** The subscriptions whose owner was told that Redisson gave up with a timeout. */
    private final List<Subscription> timedOut = Collections.synchronizedList(new ArrayList<>());
    private final RedissonClient client = (RedissonClient) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {RedissonClient.class}, (proxy, method, args) -> {
                if (method.getName().equals("isShutdown")) {
                    return false;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    /** A channel whose next {@code addListenerAsync} completes when the test completes {@code confirmation}. */
    private static final class FakeChannel {
        final CompletableFuture<Integer> confirmation = new CompletableFuture<>();
        /** What the next {@code removeListenerAsync} answers. */
        volatile CompletableFuture<Void> removal = CompletableFuture.completedFuture(null);
        final RTopic topic = (RTopic) Proxy.newProxyInstance(FakeChannel.class.getClassLoader(), new Class<?>[] {RTopic.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "addListenerAsync" -> new CompletableFutureWrapper<>(confirmation);
                    case "removeListenerAsync" -> new CompletableFutureWrapper<>(removal);
                    default -> throw new UnsupportedOperationException(method.getName());
                });

        static FakeChannel confirmed() {
            FakeChannel channel = new FakeChannel();
            channel.confirmation.complete(1);
            return channel;
        }
    }

    private Subscription predecessor() {
        return Subscription.forwarding("t", client, FakeChannel.confirmed().topic, (topic, payload) -> delivered.add(payload),
                timedOut::add, CompletableFuture.completedFuture(null));
    }

    private Subscription successorOf(Subscription predecessor, long graceMs) {
        return Subscription.succeeding(predecessor, client, FakeChannel.confirmed().topic, MARKER, graceMs);
    }

    @Test
    void thePredecessorStopsAtTheMarkerAndTheSuccessorForwardsWhatFollows() {
        Subscription old = predecessor();
        old.onMessage("t", "e1");
        Subscription fresh = successorOf(old, LONG_GRACE_MS);
        old.onMessage("t", "e2");
        fresh.onMessage("t", "e2"); // before the marker: the old listener's
        old.onMessage("t", MARKER);
        old.onMessage("t", "e3");
        assertFalse(fresh.handedOver.isDone());
        fresh.onMessage("t", MARKER);
        fresh.onMessage("t", "e3");
        assertEquals(List.of("e1", "e2", "e3"), delivered);
        assertTrue(fresh.handedOver.isDone());
        assertTrue(fresh.isForwarding());
    }

    @Test
    void aSuccessorSeeingTheMarkerFirstHoldsWhatFollowsUntilThePredecessorStops() {
        Subscription old = predecessor();
        Subscription fresh = successorOf(old, LONG_GRACE_MS);
        fresh.onMessage("t", "e1");
        fresh.onMessage("t", MARKER);
        fresh.onMessage("t", "e2");
        assertFalse(fresh.isForwarding(), "holding, not forwarding, while the old listener may lag");
        old.onMessage("t", "e1");
        assertEquals(List.of("e1"), delivered);
        old.onMessage("t", MARKER);
        fresh.onMessage("t", "e3");
        old.onMessage("t", "e3");
        assertEquals(List.of("e1", "e2", "e3"), delivered);
    }

    @Test
    void aPredecessorThatNeverSeesTheMarkerIsStoppedAfterTheGrace() {
        Subscription deaf = predecessor();
        Subscription fresh = successorOf(deaf, 50);
        fresh.onMessage("t", MARKER);
        fresh.onMessage("t", "e1");
        Await.until("the held event is delivered after the grace", () -> delivered.equals(List.of("e1")));
        deaf.onMessage("t", "e1"); // a deaf listener that comes back must not repeat anything
        fresh.onMessage("t", "e2");
        assertEquals(List.of("e1", "e2"), delivered);
    }

    @Test
    void aForcedHandOverStopsThePredecessorAndForwardsFromTheSuccessor() {
        Subscription old = predecessor();
        Subscription fresh = successorOf(old, LONG_GRACE_MS);
        fresh.forceHandOver();
        old.onMessage("t", "late");
        fresh.onMessage("t", "e1");
        assertEquals(List.of("e1"), delivered);
        assertTrue(fresh.handedOver.isDone());
    }

    @Test
    void leavingDuringAHandOverSilencesBothListeners() {
        Subscription old = predecessor();
        Subscription fresh = successorOf(old, LONG_GRACE_MS);
        fresh.close();
        old.onMessage("t", "e1");
        fresh.onMessage("t", MARKER);
        fresh.onMessage("t", "e1");
        old.onMessage("t", MARKER);
        assertEquals(List.of(), delivered);
        assertTrue(fresh.handedOver.isDone(), "a replacement does not wait for a topic that was left");
    }

    @Test
    void aPredecessorNotYetConfirmedIsTakenOverAtOnceAndItsSubscriberWaitsForTheSuccessor() {
        FakeChannel pending = new FakeChannel();
        Subscription unconfirmed = Subscription.forwarding("t", client, pending.topic,
                (topic, payload) -> delivered.add(payload), timedOut::add, CompletableFuture.completedFuture(null));
        FakeChannel next = new FakeChannel();
        Subscription fresh = Subscription.succeeding(unconfirmed, client, next.topic, MARKER, LONG_GRACE_MS);
        assertTrue(fresh.isForwarding());
        unconfirmed.onMessage("t", "stale");
        assertFalse(unconfirmed.confirmed().isDone());
        pending.confirmation.complete(7); // the old client's late confirmation does not answer the subscriber
        assertFalse(unconfirmed.confirmed().isDone());
        next.confirmation.complete(8);
        assertEquals(8, Await.result(unconfirmed.confirmed()));
        fresh.onMessage("t", "e1");
        assertEquals(List.of("e1"), delivered);
    }

    @Test
    void aSubscribeRedissonGaveUpOnWithATimeoutTellsTheOwnerAndLeavesItsSubscriberForASuccessor() {
        FakeChannel stuck = new FakeChannel();
        Subscription subscription = Subscription.forwarding("t", client, stuck.topic,
                (topic, payload) -> delivered.add(payload), timedOut::add, CompletableFuture.completedFuture(null));
        stuck.confirmation.completeExceptionally(new RedisTimeoutException("Unable to acquire subscription lock"));
        assertEquals(List.of(subscription), timedOut);
        assertFalse(subscription.confirmed().isDone(), "the subscriber still waits");
        assertTrue(subscription.stuck(60_000), "the check counts it as stuck");
        FakeChannel next = new FakeChannel();
        Subscription.succeeding(subscription, client, next.topic, MARKER, LONG_GRACE_MS);
        next.confirmation.complete(9);
        assertEquals(9, Await.result(subscription.confirmed()));
    }

    @Test
    void aSubscribeThatFailsOtherwiseFailsItsSubscriberAtOnceAndTellsNobody() {
        FakeChannel refusing = new FakeChannel();
        Subscription subscription = Subscription.forwarding("t", client, refusing.topic,
                (topic, payload) -> delivered.add(payload), timedOut::add, CompletableFuture.completedFuture(null));
        refusing.confirmation.completeExceptionally(new RedisException("Unable to acquire connection for subscription"));
        assertTrue(subscription.confirmed().isCompletedExceptionally());
        assertEquals(List.of(), timedOut);
    }

    @Test
    void anUnsubscribeRedissonGaveUpOnWithATimeoutTellsTheOwner() {
        FakeChannel channel = new FakeChannel();
        channel.confirmation.complete(3);
        channel.removal = CompletableFuture.failedFuture(new RedisTimeoutException("Remove listeners operation timeout"));
        Subscription subscription = Subscription.forwarding("t", client, channel.topic,
                (topic, payload) -> delivered.add(payload), timedOut::add, CompletableFuture.completedFuture(null));
        subscription.close();
        assertTrue(subscription.remove().isCompletedExceptionally());
        assertEquals(List.of(subscription), timedOut);
    }

    @Test
    void probesAreNeverForwardedButProveTheChannelAlive() {
        Subscription subscription = predecessor();
        long before = System.nanoTime();
        assertFalse(subscription.activeSince(before));
        subscription.onMessage("t", Subscription.PROBE + "another-node:probe-3");
        assertTrue(subscription.activeSince(before));
        assertEquals(List.of(), delivered);
    }
}
