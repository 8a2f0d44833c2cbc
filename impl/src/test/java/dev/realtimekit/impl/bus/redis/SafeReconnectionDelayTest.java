package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.redisson.config.Config;
import org.redisson.config.ConstantDelay;
import org.redisson.config.EqualJitterDelay;

class SafeReconnectionDelayTest {

    private final SafeReconnectionDelay delay = new SafeReconnectionDelay(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void everyAttemptGetsADelayWithinBounds() {
        for (int attempt = -5; attempt <= 100_000; attempt++) {
            long ms = delay.calcDelay(attempt).toMillis();
            assertTrue(ms >= 0 && ms <= 2_000, "attempt " + attempt + ": " + ms + " ms");
        }
        long last = delay.calcDelay(Integer.MAX_VALUE).toMillis();
        assertTrue(last >= 1_000 && last <= 2_000, "after many attempts the delay sits between max/2 and max: " + last);
    }

    @Test
    void theDelayGrowsFromTheBase() {
        long first = delay.calcDelay(0).toMillis();
        assertTrue(first >= 50 && first <= 100, "first delay is between base/2 and base: " + first);
    }

    /** The bug this class exists for: Redisson's own strategy throws once its shift overflows. */
    @Test
    void redissonsDefaultStrategyIsReplacedInEveryTopology() {
        Config single = new Config();
        single.useSingleServer().setAddress("redis://127.0.0.1:6379");
        assertTrue(single.useSingleServer().getReconnectionDelay() instanceof EqualJitterDelay, "Redisson's default");
        SafeReconnectionDelay.install(single, delay);
        assertSame(delay, single.useSingleServer().getReconnectionDelay());

        Config cluster = new Config();
        cluster.useClusterServers().addNodeAddress("redis://127.0.0.1:7000");
        SafeReconnectionDelay.install(cluster, delay);
        assertSame(delay, cluster.useClusterServers().getReconnectionDelay());

        Config sentinel = new Config();
        sentinel.useSentinelServers().setMasterName("mymaster").addSentinelAddress("redis://127.0.0.1:26379");
        SafeReconnectionDelay.install(sentinel, delay);
        assertSame(delay, sentinel.useSentinelServers().getReconnectionDelay());
    }

    @Test
    void aStrategyTheUserChoseIsKept() {
        Config config = new Config();
        ConstantDelay chosen = new ConstantDelay(Duration.ofSeconds(3));
        config.useSingleServer().setAddress("redis://127.0.0.1:6379").setReconnectionDelay(chosen);
        SafeReconnectionDelay.install(config, delay);
        assertSame(chosen, config.useSingleServer().getReconnectionDelay());
    }
}
