package dev.realtimekit.impl.dispatch;

/** The tiny wire types of the dispatcher tests (public: JSON-B maps them reflectively). */
public final class TestMessages {

    private TestMessages() {
    }

    /** What a client sends: {@code kind} picks the handler's behaviour. */
    public record Msg(String kind, String text) {
    }

    /** The broadcast event: {@code {"said":"..."}}. */
    public record Said(String said) {
    }

    /** A direct reply: {@code {"pong":"..."}}. */
    public record Pong(String pong) {
    }

    public static String msg(String kind, String text) {
        return "{\"kind\":\"" + kind + "\",\"text\":\"" + text + "\"}";
    }

    public static String said(String text) {
        return "{\"said\":\"" + text + "\"}";
    }

    public static String pong(String text) {
        return "{\"pong\":\"" + text + "\"}";
    }

    public static String error(String message) {
        return "{\"type\":\"error\",\"message\":\"" + message + "\"}";
    }
}
