package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.ChannelName;
import org.redisson.misc.AsyncSemaphore;
import org.redisson.pubsub.PublishSubscribeService;

import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.testsupport.Poll;

/**
 * Redisson 3.52 serializes every subscribe and unsubscribe of a channel through one of 50 locks, chosen
 * by the channel name's hash, and can lose a lock's permit for good (a lost wake-up in its
 * {@code AsyncSemaphore}, fixed upstream in 4.6.1; its issue 7264 lists more paths). From then on every
 * subscribe and unsubscribe of a channel on that lock times out while Redis answers everything else:
 * about one topic in fifty could never be joined again on that node, and channels it left stayed
 * subscribed. ClusterIT once failed so. The tests take a lock's permit the way that bug leaves it.
 */
class StuckPubSubIT extends RedisBusTestBase {

    /** Short, so that the tests wait little; the periodic check is off, so it cannot be what repairs. */
    private RealtimeConfig config() {
        return RealtimeConfigs.redisSubscribingWithin(redis.address(), prefix, 0, 4_000);
    }

    @Test
    void aSubscribeThatRedissonNeverStartsIsTakenOverByANewClientWithinTheSubscribeTimeout() throws Exception {
        Node node = node(config());
        Node publisher = node();
        node.subscribe("before");
        RedissonClient stuck = node.bus.client();
        loseSubscriptionLock(stuck, prefix + "victim");

        node.bus.subscribe("victim").toCompletableFuture().get(4_500, TimeUnit.MILLISECONDS);

        assertNotSame(stuck, node.bus.client(), "the client whose lock was lost is replaced");
        publisher.publish("victim", "reaches");
        node.expect("victim", "reaches");
        publisher.publish("before", "still");
        node.expect("before", "still");
        Poll.until(1L, () -> redis.numsub(prefix + "victim"), Duration.ofSeconds(10));
        Poll.until(1L, () -> redis.numsub(prefix + "before"), Duration.ofSeconds(10));
    }

    @Test
    void anUnsubscribeThatRedissonNeverStartsStillLeavesTheChannel() throws Exception {
        Node node = node(config());
        Node publisher = node();
        node.subscribe("victim");
        node.subscribe("stays");
        loseSubscriptionLock(node.bus.client(), prefix + "victim");

        node.bus.unsubscribe("victim");

        Poll.until(0L, () -> redis.numsub(prefix + "victim"), Duration.ofSeconds(15));
        publisher.publish("victim", "nobody");
        publisher.publish("stays", "once");
        node.expect("stays", "once");
        assertEquals(null, node.received.poll(500, TimeUnit.MILLISECONDS), "nothing more, nothing twice");
        node.subscribe("victim");
        publisher.publish("victim", "again");
        node.expect("victim", "again");
    }

    @Test
    void aSubscribeThatTimesOutWhileRedisIsFrozenReplacesNoClient() throws Exception {
        Node node = node(config());
        node.subscribe("before");
        RedissonClient client = node.bus.client();
        redis.freeze();
        try {
            assertThrows(ExecutionException.class,
                    () -> node.bus.subscribe("during").toCompletableFuture().get(10, TimeUnit.SECONDS));
        } finally {
            redis.thaw();
        }
        node.bus.unsubscribe("during").toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertSame(client, node.bus.client(), "an outage is no stuck client");
        node.subscribe("after");
    }

    /**
     * Takes the permit of the Redisson lock that every subscribe and unsubscribe of {@code channel}
     * needs, and never gives it back: what the lost wake-up leaves behind.
     */
    static void loseSubscriptionLock(RedissonClient client, String channel) throws Exception {
        PublishSubscribeService service = ((Redisson) client).getCommandExecutor().getConnectionManager()
                .getSubscribeService();
        Method lockOf = PublishSubscribeService.class.getDeclaredMethod("getSemaphore", ChannelName.class);
        lockOf.setAccessible(true);
        AsyncSemaphore lock = (AsyncSemaphore) lockOf.invoke(service, new ChannelName(channel));
        lock.acquire().get(5, TimeUnit.SECONDS);
    }
}
