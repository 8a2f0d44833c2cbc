package dev.realtimekit.impl.bus.redis;

import org.redisson.config.BaseConfig;
import org.redisson.config.Config;

/** The connection settings of a Redisson configuration, whatever its topology. */
final class ServerSettings {

    private ServerSettings() {
    }

    /** @return the settings object of the configuration's servers (single, cluster, sentinel, replicated or master/slave) */
    static BaseConfig<?> of(Config config) {
        if (config.isClusterConfig()) {
            return config.useClusterServers();
        } else if (config.isSentinelConfig()) {
            return config.useSentinelServers();
        } else if (config.isSingleConfig()) {
            return config.useSingleServer();
        }
        try {
            return config.useReplicatedServers();
        } catch (IllegalStateException notReplicated) {
            return config.useMasterSlaveServers();
        }
    }
}
