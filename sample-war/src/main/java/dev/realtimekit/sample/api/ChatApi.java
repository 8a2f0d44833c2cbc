package dev.realtimekit.sample.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The chat's REST API under {@code /chat/api}: {@link AnnouncementsResource}. Not at {@code /}, where it
 * would take the WebSocket endpoint's {@code /ws/*} and the page from the web container.
 */
@ApplicationPath("/api")
public class ChatApi extends Application {
}
