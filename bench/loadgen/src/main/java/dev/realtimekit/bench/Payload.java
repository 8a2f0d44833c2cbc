package dev.realtimekit.bench;

/** The text payload {@code <publisher>.<seq>.<sendNanos>.xxx...}: builds it and finds it in a received frame. */
final class Payload {

    private static final String TEXT_FIELD = "\"text\":\"";

    private Payload() {
    }

    /** The payload, padded with {@code x} to {@code bytes} (longer when the numbers alone need more). */
    static String encode(int publisher, long seq, long sendNanos, int bytes) {
        StringBuilder b = new StringBuilder(Math.max(bytes, 48));
        b.append(publisher).append('.').append(seq).append('.').append(sendNanos).append('.');
        while (b.length() < bytes) {
            b.append('x');
        }
        return b.toString();
    }

    /** What {@link #parse} found in one frame; one instance per socket, reused, so receiving allocates none. */
    static final class Parsed {
        int publisher;
        long seq;
        long sendNanos;
        /** Where {@link #number} reads next. */
        private int cursor;
    }

    /**
     * Finds the {@code "text":"} field of a frame and reads its three numbers into {@code out}.
     * Cheap on purpose (no JSON library): the payload never contains quotes or backslashes.
     *
     * @return false when the frame has no such field or it does not hold a payload of ours
     */
    static boolean parse(String frame, Parsed out) {
        int at = frame.indexOf(TEXT_FIELD);
        if (at < 0) {
            return false;
        }
        out.cursor = at + TEXT_FIELD.length();
        long publisher = number(frame, out);
        long seq = publisher == Long.MIN_VALUE ? Long.MIN_VALUE : number(frame, out);
        long nanos = seq == Long.MIN_VALUE ? Long.MIN_VALUE : number(frame, out);
        if (nanos == Long.MIN_VALUE || publisher < 0 || publisher > Integer.MAX_VALUE || seq < 0) {
            return false;
        }
        out.publisher = (int) publisher;
        out.seq = seq;
        out.sendNanos = nanos;
        return true;
    }

    /** Reads a signed decimal ending with '.', moving the cursor past the dot; Long.MIN_VALUE when malformed. */
    private static long number(String s, Parsed out) {
        int i = out.cursor;
        boolean negative = i < s.length() && s.charAt(i) == '-'; // System.nanoTime() may be negative
        if (negative) {
            i++;
        }
        int start = i;
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 19) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        if (i == start || i >= s.length() || s.charAt(i) != '.') {
            return Long.MIN_VALUE;
        }
        out.cursor = i + 1;
        return negative ? -v : v;
    }
}
