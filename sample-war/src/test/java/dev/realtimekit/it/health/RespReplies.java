package dev.realtimekit.it.health;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Splits what Redis sends on one connection into whole replies (RESP2, and RESP3's aggregate types),
 * keeping each one's bytes as received, and tells a message pushed to a subscriber from everything
 * else. Just enough RESP for {@link RedisProxy}; not a client.
 */
final class RespReplies {

    private static final Set<String> PUSHED_MESSAGES = Set.of("message", "pmessage", "smessage");

    private final BufferedInputStream in;
    private final ByteArrayOutputStream reply = new ByteArrayOutputStream();
    private String kind;

    RespReplies(InputStream in) {
        this.in = new BufferedInputStream(in, 16 * 1024);
    }

    /** @return false at the end of the stream; otherwise the next whole reply was read */
    boolean next() throws IOException {
        reply.reset();
        kind = null;
        int first = in.read();
        if (first < 0) {
            return false;
        }
        reply.write(first);
        readValue(first, true);
        return true;
    }

    /** @return whether the reply just read is an array whose first element is message, pmessage or smessage */
    boolean isPushedMessage() {
        return kind != null && PUSHED_MESSAGES.contains(kind.toLowerCase(Locale.ROOT));
    }

    void writeTo(OutputStream out) throws IOException {
        reply.writeTo(out);
    }

    /** @return whether more of Redis's bytes are already here, so that a flush can wait */
    boolean moreBuffered() throws IOException {
        return in.available() > 0;
    }

    private void readValue(int type, boolean topLevel) throws IOException {
        String header = readLine();
        switch (type) {
            case '*', '>', '~' -> readElements(Integer.parseInt(header), topLevel);
            case '%', '|' -> readElements(2 * Integer.parseInt(header), false);
            case '$', '=', '!' -> {
                int length = Integer.parseInt(header);
                if (length >= 0) {
                    byte[] bulk = in.readNBytes(length + 2);
                    if (bulk.length < length + 2) {
                        throw new EOFException("the connection closed inside a reply");
                    }
                    reply.write(bulk);
                }
            }
            default -> {
                // a one-line value (+ - : , # _ ( ): its line is all of it
            }
        }
    }

    private void readElements(int count, boolean topLevel) throws IOException {
        for (int i = 0; i < count; i++) {
            int type = readByte();
            reply.write(type);
            int start = reply.size();
            readValue(type, false);
            if (topLevel && i == 0 && type == '$') {
                String element = reply.toString(StandardCharsets.ISO_8859_1).substring(start);
                int body = element.indexOf("\r\n") + 2;
                kind = element.substring(body, element.length() - 2);
            }
        }
    }

    /** Reads up to CRLF, keeps it in the reply, and returns the line without it. */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = readByte();
            reply.write(b);
            if (b == '\r') {
                int lf = readByte();
                reply.write(lf);
                return line.toString();
            }
            line.append((char) b);
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the connection closed inside a reply");
        }
        return b;
    }
}
