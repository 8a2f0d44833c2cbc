package dev.realtimekit.it.support;

import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sample chat's frames, as the tests write and recognise them. */
public final class ChatFrames {

    private static final Pattern NOTICE = Pattern.compile("\\{\"type\":\"(joined|left)\",\"room\":\"[^\"]*\",\"user\":\"([^\"]*)\"\\}");

    /** Join and leave notices ({@code {"type":"joined"|"left","room":..,"user":..}}), bare: for tests about something else. */
    public static final Predicate<String> NOTICES = frame -> NOTICE.matcher(frame).matches();

    private ChatFrames() {
    }

    /**
     * @return the notices about anyone but these users: earlier tests' clients may still be leaving
     *     the shared rooms ({@code general}, {@code random}) when a test that checks notices starts
     */
    public static Predicate<String> noticesExcept(String... users) {
        Set<String> ours = Set.of(users);
        return frame -> {
            Matcher notice = NOTICE.matcher(frame);
            return notice.matches() && !ours.contains(notice.group(2));
        };
    }

    public static String send(String room, String text) {
        return "{\"type\":\"send\",\"room\":\"" + room + "\",\"text\":\"" + text + "\"}";
    }

    public static String message(String room, String user, String text) {
        return "{\"type\":\"message\",\"room\":\"" + room + "\",\"user\":\"" + user + "\",\"text\":\"" + text + "\"}";
    }

    public static String joined(String room, String user) {
        return "{\"type\":\"joined\",\"room\":\"" + room + "\",\"user\":\"" + user + "\"}";
    }

    public static String left(String room, String user) {
        return "{\"type\":\"left\",\"room\":\"" + room + "\",\"user\":\"" + user + "\"}";
    }

    /** @return an event of a topic the connection follows with a subscribe frame, wrapped as the kit delivers it */
    public static String wrapped(String topic, String event) {
        return "{\"type\":\"event\",\"topic\":\"" + topic + "\",\"event\":" + event + "}";
    }
}
