package dev.realtimekit.impl.registry;

/** What a topic name may be, wherever it comes from (a handshake path, a publish from the application). */
public final class TopicNames {

    private TopicNames() {
    }

    /** @return whether the topic is one of the kit's own (its name starts with a control character, which no client topic can hold) */
    public static boolean isInternal(String topic) {
        return !topic.isEmpty() && topic.charAt(0) == '\u0000';
    }

    /**
     * @return whether the name is a topic: not blank, at most {@code maxLength} characters, no control
     *     characters and no replacement character (left by undecodable input); names of the kit's own
     *     channels, which start with a control character, are not
     */
    public static boolean isValid(String topic, int maxLength) {
        if (topic == null || topic.isBlank() || topic.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (Character.isISOControl(c) || c == '\uFFFD') {
                return false;
            }
        }
        return true;
    }
}
