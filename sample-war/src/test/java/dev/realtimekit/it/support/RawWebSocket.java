package dev.realtimekit.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client on a plain socket that sends any frame at all, as a hostile script would:
 * invalid UTF-8, reserved bits and opcodes, unmasked frames, oversized control frames, broken
 * fragmentation. A reader thread collects what the server sends: each text frame's payload as raw
 * bytes decoded leniently, and how the connection ended.
 */
public final class RawWebSocket implements AutoCloseable {

    public static final int CONTINUATION = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** How the connection ended: the server's close code and reason, or {@link #NO_CLOSE_FRAME}. */
    public record Ending(int code, String reason) {
        public static final int NO_CLOSE_FRAME = -1;
    }

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CompletableFuture<Ending> ending = new CompletableFuture<>();

    private RawWebSocket(Socket socket, DataInputStream in) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread reader = new Thread(() -> read(in), "raw-ws-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the connection; fails unless the server answers 101. */
    public static RawWebSocket connect(URI wsUri) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(wsUri.getHost(), wsUri.getPort()), 5_000);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        try {
            String head = handshake(socket, in, wsUri);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head);
            }
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return new RawWebSocket(socket, in);
    }

    /**
     * Sends an upgrade request for {@code wsUri} on a connected socket and reads the answer's head.
     *
     * @return the response head (status line and headers)
     */
    static String handshake(Socket socket, DataInputStream in, URI wsUri) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + wsUri.getRawPath() + (wsUri.getRawQuery() == null ? "" : "?" + wsUri.getRawQuery()) + " HTTP/1.1\r\n"
                + "Host: " + wsUri.getHost() + ":" + wsUri.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(10_000);
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** Sends one masked frame with FIN set and no reserved bits. */
    public void send(int opcode, byte[] payload) throws IOException {
        send(true, 0, opcode, payload, true);
    }

    /**
     * Sends one frame exactly as described, valid or not.
     *
     * @param rsv the three reserved bits (0 for a valid frame)
     * @param masked whether to mask the payload (clients must)
     */
    public synchronized void send(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | opcode & 0x0F);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            frame.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            frame.write(maskBit | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] body = payload.clone();
        if (masked) {
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < body.length; i++) {
                body[i] ^= mask[i & 3];
            }
        }
        frame.write(body);
        out.write(frame.toByteArray());
        out.flush();
    }

    /** @return the next text frame the server sent, or null when none arrives within {@code millis} */
    public String nextText(long millis) throws InterruptedException {
        return texts.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** @return whether the server ended the connection (close frame or end of stream) */
    public boolean ended() {
        return ending.isDone();
    }

    /** @return how the connection ended, waiting up to {@code millis}; null when it is still open */
    public Ending awaitEnding(long millis) throws InterruptedException {
        try {
            return ending.get(millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One frame as the server sent it (servers do not mask). */
    record ServerFrame(boolean fin, int opcode, byte[] payload) {
        /** @return the close code of a close frame, 1005 when it has none */
        int closeCode() {
            return payload.length >= 2 ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : 1005;
        }
    }

    /** Reads the next frame the server sends. */
    static ServerFrame readFrame(DataInputStream in) throws IOException {
        int first = in.readUnsignedByte();
        long length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new ServerFrame((first & 0x80) != 0, first & 0x0F, payload);
    }

    private void read(DataInputStream in) {
        try {
            socket.setSoTimeout(0);
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            while (true) {
                ServerFrame frame = readFrame(in);
                byte[] payload = frame.payload();
                if (frame.opcode() == CLOSE) {
                    String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                    ending.complete(new Ending(frame.closeCode(), reason));
                    return;
                }
                if (frame.opcode() == TEXT || frame.opcode() == CONTINUATION) {
                    message.write(payload);
                    if (frame.fin()) {
                        texts.add(message.toString(StandardCharsets.UTF_8));
                        message.reset();
                    }
                } else if (frame.opcode() == PING) {
                    send(PONG, payload);
                }
            }
        } catch (EOFException e) {
            ending.complete(new Ending(Ending.NO_CLOSE_FRAME, "end of stream"));
        } catch (IOException e) {
            ending.complete(new Ending(Ending.NO_CLOSE_FRAME, "connection reset"));
        }
    }

    /** Drops the TCP connection. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
