package dev.realtimekit.impl.bus.redis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.realtimekit.impl.i18n.Messages;

/**
 * Proves that this node's subscriptions deliver: it publishes a probe, which only buses recognise and
 * no client ever sees, to each subscribed channel, and subscribes anew every topic that showed no sign
 * of life. Redisson normally restores subscriptions after a reconnect, but not always promptly (a
 * channel that was being unsubscribed and subscribed again around an outage stayed deaf for more than
 * ten seconds in tests), and a node that is connected but deaf loses every event silently.
 *
 * <p>A channel is alive when its listener was called, with anything (an event, this probe, another
 * node's probe), since one publish timeout before the probe was sent: a busy channel's probe may wait
 * behind a backlog for longer than the publish timeout, and the registry may be busy with an event
 * that arrived just before; neither is deaf, and subscribing them anew would lose events.
 *
 * <p>Threads: rounds never overlap (a round asked for while one runs returns 0 at once); a round
 * runs on the threads completing its probes and timers. It runs a moment after every recovery and
 * every {@code realtime.redis.subscription-check-interval-ms}, and keeps doing so whatever a round
 * throws: a failed round is logged once ({@code RTK0204W}) until a round succeeds.
 *
 * <p>A round during an outage that Redis has kept silent for a whole interval (its connections stay
 * open, nothing answers on them) replaces the client instead: a new one connects anew, where the old
 * one would wait for TCP to give up on connections whose host or network path vanished.
 */
final class SubscriptionCheck {

    private static final long RECOVERY_DELAY_MS = 2_000;

    private final RedisEventBus bus;
    private final long intervalMs;
    private final long publishTimeoutMs;
    private final long subscribeTimeoutMs;
    private final String probePrefix = Subscription.PROBE + UUID.randomUUID() + ":";
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private final AtomicReference<Runnable> nextRoundHook = new AtomicReference<>();
    /** Topics subscribed anew and not yet proven to deliver since; only touched by the running round. */
    private final Set<String> repaired = new HashSet<>();
    /** A recovery (or a lost connection) happened since the last round: every topic may have missed events. */
    private volatile boolean interrupted;
    /**
     * Topics a round found deaf and no round has seen deliver since, whatever the repair was (a new
     * subscription or a new client): what readiness reports. Read by any thread; changed by rounds and
     * by {@link #forget}.
     */
    private final Set<String> unproven = ConcurrentHashMap.newKeySet();

    SubscriptionCheck(RedisEventBus bus, long intervalMs, long publishTimeoutMs, long subscribeTimeoutMs) {
        this.bus = bus;
        this.intervalMs = intervalMs;
        this.publishTimeoutMs = publishTimeoutMs;
        this.subscribeTimeoutMs = subscribeTimeoutMs;
    }

    /** @return a payload only buses recognise, unique to this check */
    String marker(String kind) {
        return probePrefix + kind + "-" + rounds.incrementAndGet();
    }

    void schedulePeriodic() {
        if (intervalMs > 0) {
            later(intervalMs, () -> run().whenComplete((repairedTopics, failure) -> schedulePeriodic()));
        }
    }

    void afterRecovery() {
        interrupted = true;
        later(RECOVERY_DELAY_MS, this::run);
    }

    /** @return how many subscribed topics a round found deaf and none has seen deliver since */
    int deafCount() {
        Map<String, Subscription> subscribed = bus.subscriptions();
        return (int) unproven.stream().filter(subscribed::containsKey).count();
    }

    /** The topic was unsubscribed: whatever was found about it no longer holds. */
    void forget(String topic) {
        unproven.remove(topic);
    }

    /** Test hook: runs {@code hook} at the start of the next round, which fails if it throws. */
    void beforeNextRound(Runnable hook) {
        nextRoundHook.set(hook);
    }

    /** @return a stage with the number of topics subscribed anew; never fails, and this method never throws */
    CompletionStage<Integer> run() {
        if (bus.isClosing() || !running.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(0);
        }
        CompletableFuture<Integer> round;
        try {
            round = round();
        } catch (RuntimeException | Error e) {
            round = CompletableFuture.failedFuture(e);
        }
        return round.handle((repairedTopics, failure) -> {
            running.set(false);
            if (failure != null) {
                if (failureReported.compareAndSet(false, true)) {
                    Messages.subscriptionCheckFailed(bus.describe(), failure);
                }
                return 0;
            }
            failureReported.set(false);
            return repairedTopics;
        });
    }

    private CompletableFuture<Integer> round() {
        Runnable hook = nextRoundHook.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
        long silentMs = bus.silentForMillis();
        if (intervalMs > 0 && silentMs >= intervalMs) {
            // Nothing closes a connection whose host or network path vanished, and Redisson does not
            // ping them (see RedisEventBus): connect anew rather than wait for TCP to give up. One
            // replacement at a time: against a stalled Redis each one waits for its hand-over.
            if (!bus.replacingClient()) {
                Messages.redisSilent(bus.describe(), silentMs);
                bus.replaceClient();
                later(subscribeTimeoutMs + publishTimeoutMs + 1_000, this::run);
            }
            return CompletableFuture.completedFuture(0);
        }
        long sentNanos = System.nanoTime();
        String probe = marker("probe");
        Map<String, Subscription> probed = new LinkedHashMap<>();
        // Subscriptions Redisson never confirmed (or failed) are deaf too, without a probe.
        Map<String, Subscription> stuck = new LinkedHashMap<>();
        bus.subscriptions().forEach((topic, subscription) -> {
            if (!subscription.isForwarding()) {
                return; // in a hand-over, which ends by itself
            }
            if (subscription.established()) {
                probed.put(topic, subscription);
            } else if (subscription.stuck(subscribeTimeoutMs)) {
                stuck.put(topic, subscription);
            }
        });
        CompletableFuture<?>[] sent = probed.keySet().stream()
                .map(topic -> bus.publishProbe(topic, probe))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(sent)
                // A probe that failed means Redis is away: the recovery will check again.
                .handle((ignored, failure) -> failure == null)
                // Probes that reached Redis come back within a publish timeout, unless behind a backlog.
                .thenCompose(reachable -> reachable
                        ? delay(publishTimeoutMs).thenApply(ignored -> repair(probed, stuck, sentNanos))
                        : CompletableFuture.completedFuture(0));
    }

    /**
     * Subscribes deaf topics anew; when a topic that was already subscribed anew is deaf again,
     * Redisson itself is stuck and the client is replaced. Either way a follow-up check comes once
     * the new subscriptions have had time to be confirmed or count as stuck.
     */
    private int repair(Map<String, Subscription> probed, Map<String, Subscription> stuck, long sentNanos) {
        long aliveSince = sentNanos - TimeUnit.MILLISECONDS.toNanos(publishTimeoutMs);
        Map<String, Subscription> deaf = new LinkedHashMap<>();
        probed.forEach((topic, subscription) -> {
            if (!subscription.activeSince(aliveSince)) {
                deaf.put(topic, subscription);
            }
        });
        stuck.forEach(deaf::put);
        // A topic left, subscribed again or handed over meanwhile is not the one that was checked.
        deaf.entrySet().removeIf(entry -> bus.subscriptions().get(entry.getKey()) != entry.getValue());
        // Topics proven after an interruption or a repair may have missed events meanwhile: history
        // topics compare their position with the history.
        boolean afterInterruption = interrupted;
        interrupted = false;
        List<String> proven = new ArrayList<>();
        probed.keySet().stream().filter(topic -> !deaf.containsKey(topic)).forEach(topic -> {
            if (afterInterruption || repaired.contains(topic) || unproven.contains(topic)) {
                proven.add(topic);
            }
            repaired.remove(topic);
            unproven.remove(topic);
        });
        bus.possibleGap(proven);
        if (bus.isClosing()) {
            return 0;
        }
        if (deaf.isEmpty()) {
            // Topics repaired but not probed this round (still in a hand-over): prove them soon, not
            // only at the next interval, so that readiness does not stay down longer than it must.
            if (deafCount() > 0) {
                later(subscribeTimeoutMs + publishTimeoutMs + 1_000, this::run);
            }
            return 0;
        }
        unproven.addAll(deaf.keySet());
        List<String> topics = new ArrayList<>(deaf.keySet());
        if (topics.stream().anyMatch(repaired::contains)) {
            Messages.redisClientReplaced(bus.describe(), topics);
            repaired.clear();
            bus.replaceClient();
            bus.repaired(topics.size());
        } else {
            Messages.deafSubscriptions(bus.describe(), topics);
            repaired.addAll(topics);
            deaf.forEach(bus::resubscribe);
            bus.repaired(topics.size());
        }
        later(subscribeTimeoutMs + publishTimeoutMs + 1_000, this::run);
        return deaf.size();
    }

    private static CompletableFuture<Void> delay(long ms) {
        return CompletableFuture.runAsync(() -> {
        }, CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS));
    }

    private void later(long ms, Runnable task) {
        CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS).execute(() -> {
            if (!bus.isClosing()) {
                task.run();
            }
        });
    }
}
