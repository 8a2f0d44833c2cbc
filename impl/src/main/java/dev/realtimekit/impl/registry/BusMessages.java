package dev.realtimekit.impl.registry;

/**
 * What travels on the bus besides a topic's plain events: an event that skips one connection, and
 * frames for one user or one connection (on the {@link #DIRECT_TOPIC}). A plain event is its JSON
 * text unchanged, as before; the others start with a control character that no JSON text starts
 * with, then a length-prefixed target, then the frame: {@code \u0001<len>:<connectionId><frame>},
 * {@code \u0002u<len>:<userKey><frame>}, {@code \u0002c<len>:<connectionId><frame>}.
 */
public final class BusMessages {

    /**
     * The topic every node subscribes to for frames addressed to users and connections. Client
     * topics can never hold control characters, so no client can subscribe to it; the registry does
     * not count it among the application's topics ({@link TopicNames#isInternal}).
     */
    public static final String DIRECT_TOPIC = "\u0000realtime-kit:direct";

    private static final char EXCLUDING = '\u0001';
    private static final char DIRECT = '\u0002';
    private static final char USER = 'u';
    private static final char CONNECTION = 'c';

    private BusMessages() {
    }

    /** @return an event for every subscriber of its topic but the connection */
    public static String excluding(String connectionId, String frame) {
        return EXCLUDING + target(connectionId) + frame;
    }

    /** @return a frame for every connection of the user (keyed by {@code String.valueOf(userId)}) */
    public static String toUser(String userKey, String frame) {
        return DIRECT + (USER + target(userKey)) + frame;
    }

    /** @return a frame for one connection */
    public static String toConnection(String connectionId, String frame) {
        return DIRECT + (CONNECTION + target(connectionId)) + frame;
    }

    private static String target(String id) {
        return id.length() + ":" + id;
    }

    /** A decoded bus message: whom it is for (or whom it skips), and the frame for the clients. */
    public record Decoded(char kind, String target, String frame) {
        public boolean forUser() {
            return kind == USER;
        }

        public boolean forConnection() {
            return kind == CONNECTION;
        }
    }

    /** @return the excluded connection of an event, or null for a plain event */
    static Decoded excluded(String payload) {
        return !payload.isEmpty() && payload.charAt(0) == EXCLUDING ? decode(payload, 1, EXCLUDING) : null;
    }

    /** @return a direct frame's target and frame, or null when the payload is not a well-formed direct frame */
    public static Decoded direct(String payload) {
        if (payload.length() < 2 || payload.charAt(0) != DIRECT) {
            return null;
        }
        char kind = payload.charAt(1);
        return kind == USER || kind == CONNECTION ? decode(payload, 2, kind) : null;
    }

    private static Decoded decode(String payload, int from, char kind) {
        int colon = payload.indexOf(':', from);
        if (colon < 0) {
            return null;
        }
        try {
            int length = Integer.parseInt(payload, from, colon, 10);
            int end = colon + 1 + length;
            return length < 0 || end > payload.length() ? null
                    : new Decoded(kind, payload.substring(colon + 1, end), payload.substring(end));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
