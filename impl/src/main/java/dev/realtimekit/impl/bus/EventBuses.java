package dev.realtimekit.impl.bus;

import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.bus.redis.RedisEventBus;
import dev.realtimekit.impl.config.RealtimeConfig;

/** Chooses the bus from the configuration: Redis when {@code realtime.redis.*} is set, else in-JVM. */
public final class EventBuses {

    private EventBuses() {
    }

    public static EventBus create(RealtimeConfig config) {
        // RedisEventBus is only loaded here, so applications without Redisson never touch it.
        return config.redisEnabled() ? RedisEventBus.create(config) : new LocalEventBus();
    }

    /** @return whether Redisson can be loaded by the kit */
    public static boolean redissonAvailable() {
        try {
            Class.forName("org.redisson.Redisson", false, EventBuses.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
