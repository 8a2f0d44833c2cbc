package dev.realtimekit.impl.bus;

import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.bus.redis.RedisEventBus;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.impl.runtime.OptionalApis;

/** Chooses the bus from the configuration: Redis when {@code realtime.redis.*} is set, else in-JVM. */
public final class EventBuses {

    private EventBuses() {
    }

    /** @param metrics told about Redis outages and repaired subscriptions */
    public static EventBus create(RealtimeConfig config, RealtimeMetrics metrics) {
        // RedisEventBus is only loaded here, so applications without Redisson never touch it.
        return config.redisEnabled() ? RedisEventBus.create(config, metrics) : new LocalEventBus(config.history());
    }

    /** @return whether Redisson can be loaded by the kit */
    public static boolean redissonAvailable() {
        return OptionalApis.visible("org.redisson.Redisson");
    }
}
