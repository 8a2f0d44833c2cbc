package dev.realtimekit.it.hardening;

import static dev.realtimekit.it.support.RawWebSocket.BINARY;
import static dev.realtimekit.it.support.RawWebSocket.CLOSE;
import static dev.realtimekit.it.support.RawWebSocket.CONTINUATION;
import static dev.realtimekit.it.support.RawWebSocket.PING;
import static dev.realtimekit.it.support.RawWebSocket.PONG;
import static dev.realtimekit.it.support.RawWebSocket.TEXT;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random and mutated frames for the chat endpoint, drawn from one {@link Random} so that a seed
 * reproduces them: mutated and truncated JSON, deep nesting, huge numbers, wrong types, strings near
 * and above the size limit, invalid UTF-8, binary frames, control frames with payloads, fragmented
 * and malformed frames.
 */
final class FuzzCases {

    /** One frame exactly as it goes on the wire. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
    }

    /**
     * @param kind what the case tries, for the report
     * @param frames the frames, sent back to back
     * @param endsConnection whether the case itself closes the connection (a client close frame)
     */
    record Case(String kind, List<Frame> frames, boolean endsConnection) {
    }

    static final int MAX_MESSAGE_SIZE = 65_536;

    private static final String SEND = "{\"type\":\"send\",\"room\":\"general\",\"text\":\"%s\"}";
    private static final String[] TEMPLATES = {
        "{\"type\":\"send\",\"room\":\"general\",\"text\":\"hello fuzz\"}",
        "{\"type\":\"ping\"}",
        "{\"type\":\"send\",\"room\":\"random\",\"text\":\"elsewhere\"}",
        "{\"type\":\"send\",\"room\":\"general\",\"text\":\"caf\u00e9 \u2603 \ud83d\ude00\"}",
    };
    private static final String[] WRONG_TYPES = {
        "{\"type\":\"send\",\"room\":\"general\",\"text\":12}", "{\"type\":\"send\",\"room\":\"general\",\"text\":[]}",
        "{\"type\":\"send\",\"room\":\"general\",\"text\":{}}", "{\"type\":\"send\",\"room\":\"general\",\"text\":true}",
        "{\"type\":\"send\",\"room\":\"general\",\"text\":null}", "{\"type\":\"send\",\"room\":1,\"text\":\"x\"}",
        "{\"type\":\"send\",\"room\":null,\"text\":\"x\"}", "{\"type\":\"send\",\"room\":[\"general\"],\"text\":\"x\"}",
        "{\"type\":1}", "{\"type\":null}", "{\"type\":\"SEND\"}", "{\"type\":\"\"}", "{\"type\":[\"send\"]}",
        "{\"type\":\"send\"}", "{\"type\":\"ping\",\"extra\":{\"deep\":[1,2,{\"x\":null}]}}", "{}", "[]", "\"send\"",
        "null", "42", "-0", "true", "", " ", "\t\r\n", "{\"type\":\"send\",\"type\":\"ping\"}",
        "{\"type\":\"send\",\"room\":\"general\",\"text\":\"a\",\"room\":\"random\"}",
        "{\"type\":\"send\",\"room\":\"general\",\"text\":\"\\ud800\"}",
        "{\"type\":\"send\",\"room\":\"general\",\"text\":\"\\u0000\\u001f\"}",
        "\ufeff{\"type\":\"ping\"}", "{\"type\":\"ping\"} {\"type\":\"ping\"}", "{\"type\":\"ping\"}garbage",
        "{\"room\":\"general\",\"text\":\"no type\",\"type\":\"send\"}", "{'type':'ping'}", "{\"type\":\"ping\",}",
        "{\"type\":\"send\",\"room\":\"general\",\"text\":\"\\x41\"}", "{\"type\":\"send\",\"room\":\"\",\"text\":\"\"}",
    };

    private final Random random;

    FuzzCases(Random random) {
        this.random = random;
    }

    Case next() {
        int pick = random.nextInt(100);
        if (pick < 18) {
            return text("mutated-json", mutate(template()));
        } else if (pick < 26) {
            String template = template();
            return text("truncated-json", template.substring(0, random.nextInt(template.length())));
        } else if (pick < 38) {
            return text("wrong-type", WRONG_TYPES[random.nextInt(WRONG_TYPES.length)]);
        } else if (pick < 43) {
            return deepNesting();
        } else if (pick < 48) {
            return hugeNumber();
        } else if (pick < 55) {
            return hugeString();
        } else if (pick < 62) {
            return invalidUtf8();
        } else if (pick < 67) {
            return binary();
        } else if (pick < 76) {
            return control();
        } else if (pick < 86) {
            return fragmented();
        } else if (pick < 90) {
            return malformedFrame();
        }
        return text("valid", template());
    }

    private String template() {
        return TEMPLATES[random.nextInt(TEMPLATES.length)];
    }

    /** Replaces, inserts, deletes or repeats characters; the result is still valid UTF-16 and so valid UTF-8. */
    private String mutate(String text) {
        StringBuilder mutated = new StringBuilder(text);
        String interesting = "{}[]\":,\\ 0123456789eE+-.tfnul\u0000\u007f\u00ff\u2028\ufffd";
        for (int n = 1 + random.nextInt(4); n > 0 && mutated.length() > 0; n--) {
            int at = random.nextInt(mutated.length());
            switch (random.nextInt(4)) {
                case 0 -> mutated.setCharAt(at, interesting.charAt(random.nextInt(interesting.length())));
                case 1 -> mutated.insert(at, interesting.charAt(random.nextInt(interesting.length())));
                case 2 -> mutated.delete(at, Math.min(mutated.length(), at + 1 + random.nextInt(6)));
                default -> mutated.insert(at, mutated.substring(at, Math.min(mutated.length(), at + 1 + random.nextInt(12))));
            }
        }
        // A mutation may split a surrogate pair; keep the text encodable.
        return mutated.toString().replaceAll("[\\ud800-\\udfff]", "?");
    }

    private Case deepNesting() {
        return switch (random.nextInt(5)) {
            case 0 -> text("deep-nesting", "[".repeat(100_000)); // above the size limit
            case 1 -> text("deep-nesting", "[".repeat(60_000));
            case 2 -> text("deep-nesting", "[".repeat(30_000) + "]".repeat(30_000));
            case 3 -> text("deep-nesting", "{\"type\":\"ping\",\"extra\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}");
            default -> text("deep-nesting", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000));
        };
    }

    private Case hugeNumber() {
        String digits = "9".repeat(1 + random.nextInt(60_000));
        return switch (random.nextInt(5)) {
            case 0 -> text("huge-number", "{\"type\":\"ping\",\"n\":" + digits + "}");
            case 1 -> text("huge-number", "{\"type\":\"send\",\"room\":\"general\",\"text\":" + digits + "}");
            case 2 -> text("huge-number", "{\"type\":\"ping\",\"n\":1e999999999}");
            case 3 -> text("huge-number", "{\"type\":\"send\",\"room\":\"general\",\"text\":-1." + digits + "e-2147483648}");
            default -> text("huge-number", digits);
        };
    }

    private Case hugeString() {
        int overhead = String.format(SEND, "").length();
        int length = switch (random.nextInt(6)) {
            case 0 -> MAX_MESSAGE_SIZE - overhead - 1;
            case 1 -> MAX_MESSAGE_SIZE - overhead;
            case 2 -> MAX_MESSAGE_SIZE - overhead + 1;
            case 3 -> MAX_MESSAGE_SIZE - 1_000 + random.nextInt(2_000);
            case 4 -> 200_000;
            default -> -1;
        };
        if (length < 0) { // fewer characters than the limit, more bytes
            return text("huge-string", String.format(SEND, "\u20ac".repeat(30_000)));
        }
        return text("huge-string", String.format(SEND, "x".repeat(length)));
    }

    private Case invalidUtf8() {
        byte[][] bad = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}};
        byte[] chosen = bad[random.nextInt(bad.length)];
        String template = String.format(SEND, "before|after");
        byte[] text = template.getBytes(StandardCharsets.UTF_8);
        int at = template.indexOf('|');
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        payload.write(text, 0, at);
        payload.writeBytes(chosen);
        payload.write(text, at + 1, text.length - at - 1);
        if (random.nextBoolean()) { // invalid UTF-8 split over two fragments
            byte[] all = payload.toByteArray();
            int cut = at + 1;
            return new Case("invalid-utf8", List.of(frame(false, TEXT, slice(all, 0, cut)), frame(true, CONTINUATION,
                    slice(all, cut, all.length))), false);
        }
        return new Case("invalid-utf8", List.of(frame(true, TEXT, payload.toByteArray())), false);
    }

    private Case binary() {
        byte[] payload = new byte[random.nextInt(4) == 0 ? 70_000 : random.nextInt(200)];
        random.nextBytes(payload);
        return new Case("binary", List.of(frame(true, BINARY, payload)), false);
    }

    private Case control() {
        byte[] small = new byte[random.nextInt(126)];
        random.nextBytes(small);
        return switch (random.nextInt(7)) {
            case 0 -> new Case("control-ping", List.of(frame(true, PING, small)), false);
            case 1 -> new Case("control-pong", List.of(frame(true, PONG, small)), false);
            case 2 -> new Case("control-oversized-ping", List.of(frame(true, PING, new byte[126 + random.nextInt(1000)])), false);
            case 3 -> new Case("control-fragmented-ping", List.of(frame(false, PING, small)), false);
            case 4 -> new Case("control-close", List.of(frame(true, CLOSE, closePayload(1000, "bye"))), true);
            // (5000 is left to FuzzIT's own test: Liberty neither answers nor reads on after it)
            case 5 -> new Case("control-close-bad-code", List.of(frame(true, CLOSE, closePayload(random.nextBoolean() ? 999 : 1004, ""))), true);
            default -> new Case("control-close-one-byte", List.of(frame(true, CLOSE, new byte[] {3})), true);
        };
    }

    private Case fragmented() {
        byte[] message = String.format(SEND, "frag \u20ac\ud83d\ude00 end").getBytes(StandardCharsets.UTF_8);
        return switch (random.nextInt(6)) {
            case 0 -> new Case("fragmented", split(message, 2 + random.nextInt(4)), false);
            case 1 -> { // a ping between the fragments, which is allowed
                List<Frame> frames = new ArrayList<>(split(message, 2));
                frames.add(1, frame(true, PING, new byte[] {1, 2, 3}));
                yield new Case("fragmented-with-ping", frames, false);
            }
            case 2 -> new Case("fragmented-continuation-first", List.of(frame(true, CONTINUATION, message)), false);
            case 3 -> new Case("fragmented-new-text-inside", List.of(frame(false, TEXT, slice(message, 0, 10)),
                    frame(true, TEXT, message)), false);
            case 4 -> { // split inside the multi-byte characters, which is allowed
                int euro = String.format(SEND, "frag ").getBytes(StandardCharsets.UTF_8).length - 2 + 1;
                yield new Case("fragmented-inside-character", List.of(frame(false, TEXT, slice(message, 0, euro)),
                        frame(true, CONTINUATION, slice(message, euro, message.length))), false);
            }
            default -> new Case("fragmented-too-big", tooBigInFragments(80_000), false); // above the limit once reassembled
        };
    }

    /** A valid chat message of about {@code textLength} bytes in fragments of at most 60,000 bytes. */
    static List<Frame> tooBigInFragments(int textLength) {
        List<Frame> frames = new ArrayList<>();
        frames.add(frame(false, TEXT, "{\"type\":\"send\",\"room\":\"general\",\"text\":\"".getBytes(StandardCharsets.US_ASCII)));
        for (int left = textLength; left > 0; left -= 60_000) {
            frames.add(frame(false, CONTINUATION, "x".repeat(Math.min(left, 60_000)).getBytes(StandardCharsets.US_ASCII)));
        }
        frames.add(frame(true, CONTINUATION, "\"}".getBytes(StandardCharsets.US_ASCII)));
        return frames;
    }

    private Case malformedFrame() {
        byte[] message = template().getBytes(StandardCharsets.UTF_8);
        return switch (random.nextInt(3)) {
            case 0 -> new Case("reserved-bits", List.of(new Frame(true, 1 + random.nextInt(7), TEXT, message, true)), false);
            case 1 -> new Case("reserved-opcode", List.of(new Frame(true, 0, random.nextBoolean() ? 0x3 : 0xB, message, true)), false);
            default -> new Case("unmasked", List.of(new Frame(true, 0, TEXT, message, false)), false);
        };
    }

    private List<Frame> split(byte[] message, int parts) {
        List<Frame> frames = new ArrayList<>();
        int size = (message.length + parts - 1) / parts;
        for (int start = 0; start < message.length; start += size) {
            int end = Math.min(message.length, start + size);
            frames.add(frame(end == message.length, start == 0 ? TEXT : CONTINUATION, slice(message, start, end)));
        }
        return frames;
    }

    private static Case text(String kind, String text) {
        return new Case(kind, List.of(frame(true, TEXT, text.getBytes(StandardCharsets.UTF_8))), false);
    }

    private static Frame frame(boolean fin, int opcode, byte[] payload) {
        return new Frame(fin, 0, opcode, payload, true);
    }

    private static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }
}
