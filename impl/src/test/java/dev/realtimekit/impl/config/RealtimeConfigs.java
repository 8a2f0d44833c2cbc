package dev.realtimekit.impl.config;

import java.util.Optional;

/** Builds configurations for tests outside this package (the fields are package-private). */
public final class RealtimeConfigs {

    private RealtimeConfigs() {
    }

    /** @return the defaults, with Redis at {@code address}, channels under {@code prefix}, and short timeouts */
    public static RealtimeConfig redis(String address, String prefix) {
        RealtimeConfig config = new RealtimeConfig();
        config.redisAddress = Optional.of(address);
        config.redisChannelPrefix = prefix;
        config.redisPublishTimeoutMs = 1_000;
        config.redisSubscribeTimeoutMs = 5_000;
        return config;
    }

    /** @return {@link #redis(String, String)} retrying the connection at least every {@code maxMs} */
    public static RealtimeConfig redis(String address, String prefix, long reconnectMaxDelayMs) {
        RealtimeConfig config = redis(address, prefix);
        config.redisReconnectMaxDelayMs = reconnectMaxDelayMs;
        return config;
    }

    /** @return {@link #redis(String, String)} proving its subscriptions every {@code intervalMs} */
    public static RealtimeConfig redisCheckingEvery(String address, String prefix, long intervalMs) {
        RealtimeConfig config = redis(address, prefix);
        config.redisSubscriptionCheckIntervalMs = intervalMs;
        return config;
    }

    /** @return {@link #redisCheckingEvery} waiting at most {@code subscribeTimeoutMs} for a subscription */
    public static RealtimeConfig redisSubscribingWithin(String address, String prefix, long intervalMs,
            long subscribeTimeoutMs) {
        RealtimeConfig config = redisCheckingEvery(address, prefix, intervalMs);
        config.redisSubscribeTimeoutMs = subscribeTimeoutMs;
        return config;
    }

    /** @return {@link #redis(String, String)} keeping a history of the topics matching {@code patterns} */
    public static RealtimeConfig redisWithHistory(String address, String prefix, String patterns, int size) {
        RealtimeConfig config = redis(address, prefix);
        config.historyTopics = Optional.of(patterns);
        config.historySize = size;
        return config;
    }

    /** @return the defaults, with {@code realtime.allowed-origins} (null: absent) and {@code realtime.require-origin} */
    public static RealtimeConfig origins(String allowedOrigins, boolean requireOrigin) {
        RealtimeConfig config = new RealtimeConfig();
        config.allowedOrigins = Optional.ofNullable(allowedOrigins);
        config.requireOrigin = requireOrigin;
        return config;
    }

    /** @return the defaults, with a Redisson YAML file, sharded pub/sub on or off */
    public static RealtimeConfig redisFile(String file, String prefix, boolean sharded) {
        RealtimeConfig config = new RealtimeConfig();
        config.redisConfigFile = Optional.of(file);
        config.redisChannelPrefix = prefix;
        config.redisSharded = sharded;
        config.redisPublishTimeoutMs = 2_000;
        return config;
    }
}
