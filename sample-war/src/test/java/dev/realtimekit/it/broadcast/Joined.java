package dev.realtimekit.it.broadcast;

import dev.realtimekit.ExcludesSender;

/** A join notice: reaches everyone on the topic but the joiner. */
public record Joined(String joined) implements ExcludesSender {
}
