package dev.realtimekit.impl.history;

/**
 * The bus format of an event of a history topic: its position in front of the payload,
 * {@code \u0004<epoch>:<seq>:<payload>}. No JSON text and no other bus message starts with that
 * control character, so an event of a topic without history travels unchanged.
 */
public final class NumberedEvents {

    /** The marker, also written by the Redis publish script. */
    public static final String MARKER = "\u0004";

    private NumberedEvents() {
    }

    /** An event with its position. */
    public record Numbered(String epoch, long seq, String payload) {
        public Position position() {
            return new Position(epoch, seq);
        }
    }

    /** @return the payload with its position in front */
    public static String number(String epoch, long seq, String payload) {
        return MARKER + epoch + ':' + seq + ':' + payload;
    }

    /** @return the numbered event, or null when the message carries no (well-formed) position */
    public static Numbered read(String message) {
        if (message.isEmpty() || message.charAt(0) != MARKER.charAt(0)) {
            return null;
        }
        int first = message.indexOf(':', 1);
        int second = first < 0 ? -1 : message.indexOf(':', first + 1);
        if (first <= 1 || second <= first + 1) {
            return null;
        }
        try {
            return new Numbered(message.substring(1, first), Long.parseLong(message, first + 1, second, 10),
                    message.substring(second + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
