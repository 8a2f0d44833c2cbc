package dev.realtimekit.impl.extension;

import java.util.List;

import dev.realtimekit.impl.bus.redis.RedisEventBus;
import dev.realtimekit.impl.i18n.Messages;

/** Parses the Redisson file at deployment; kept apart so the extension loads Redisson only when it is configured. */
final class RedisConfigCheck {

    private RedisConfigCheck() {
    }

    static void parse(String file, List<String> problems) {
        try {
            RedisEventBus.readYaml(file);
        } catch (IllegalArgumentException e) {
            problems.add(Messages.invalidConfig(e.getMessage()));
        }
    }
}
