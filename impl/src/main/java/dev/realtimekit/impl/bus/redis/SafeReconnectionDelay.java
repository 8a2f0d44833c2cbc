package dev.realtimekit.impl.bus.redis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import org.redisson.config.BaseConfig;
import org.redisson.config.Config;
import org.redisson.config.DecorrelatedJitterDelay;
import org.redisson.config.DelayStrategy;
import org.redisson.config.EqualJitterDelay;
import org.redisson.config.FullJitterDelay;

/**
 * Exponential backoff with jitter for Redisson's reconnections that stays within its bounds for
 * every attempt.
 *
 * <p>Redisson 3.52's jitter strategies (its default included) compute {@code base * (1L << attempt)},
 * which overflows after about 57 attempts; the negative delay makes {@code ThreadLocalRandom} throw
 * inside the connection watchdog, which then stops reconnecting for good. An outage of a minute or
 * two with short delays (or about ten minutes with the defaults) left a node connected to nothing and
 * deaf for the rest of its life. This strategy caps the exponent.
 */
final class SafeReconnectionDelay implements DelayStrategy {

    private final long baseMs;
    private final long maxMs;

    SafeReconnectionDelay(Duration base, Duration max) {
        this.baseMs = Math.max(1, base.toMillis());
        this.maxMs = Math.max(baseMs, max.toMillis());
    }

    /** @return between half and all of {@code min(max, base * 2^attempt)}, for any attempt */
    @Override
    public Duration calcDelay(int attempt) {
        int exponent = Math.max(0, Math.min(attempt, 30));
        long ceiling = baseMs > (maxMs >> exponent) ? maxMs : Math.min(maxMs, baseMs << exponent);
        long half = ceiling / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(ceiling - half + 1));
    }

    /**
     * Puts this strategy into a Redisson configuration of any topology, replacing Redisson's jitter
     * strategies (which overflow) but keeping any other strategy the user chose.
     */
    static void install(Config config, SafeReconnectionDelay delay) {
        BaseConfig<?> servers = ServerSettings.of(config);
        DelayStrategy current = servers.getReconnectionDelay();
        if (current == null || current instanceof EqualJitterDelay || current instanceof FullJitterDelay
                || current instanceof DecorrelatedJitterDelay) {
            servers.setReconnectionDelay(delay);
        }
    }
}
