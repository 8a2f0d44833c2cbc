package dev.realtimekit.sample;

import java.util.UUID;

/**
 * A chat user, as the token names them.
 *
 * @param id the user's UUID
 * @param name the display name
 */
public record ChatUser(UUID id, String name) {
}
