package dev.realtimekit.impl.history;

import java.util.regex.Pattern;

/**
 * Where a client, or this node, stands in a history topic's stream: the epoch of the topic's numbering
 * and the sequence number of the last event seen (0 before the first). Written {@code <epoch>:<seq>},
 * as clients pass it back in {@code since}.
 *
 * @param epoch the numbering's epoch: changes whenever the topic's history was lost and numbering restarted
 * @param seq the last event's number in that epoch, 0 when none
 */
public record Position(String epoch, long seq) {

    /** Epochs the kit makes are letters and digits; a client's {@code since} must match too. */
    private static final Pattern EPOCH = Pattern.compile("[A-Za-z0-9]{1,64}");

    /**
     * @param text {@code <epoch>:<seq>} as a client sends it
     * @return the position, or null when the text is not one (the caller answers 400)
     */
    public static Position parse(String text) {
        if (text == null) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1 || text.length() - colon > 20) {
            return null;
        }
        String epoch = text.substring(0, colon);
        if (!EPOCH.matcher(epoch).matches()) {
            return null;
        }
        for (int i = colon + 1; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return null;
            }
        }
        try {
            return new Position(epoch, Long.parseLong(text, colon + 1, text.length(), 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @return a fresh random epoch: 12 letters and digits */
    public static String newEpoch() {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        StringBuilder epoch = new StringBuilder(12);
        for (int i = 0; i < 12; i++) {
            epoch.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return epoch.toString();
    }

    @Override
    public String toString() {
        return epoch + ":" + seq;
    }
}
