package dev.realtimekit.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket that completes the handshake and then stops reading, as a
 * phone in a tunnel or a hostile script would: the server's writes to it pile up in the socket
 * buffers (kept small here) until they are full. {@link #readUntilClosed} reads again later and tells
 * how the server ended the connection.
 */
public final class StalledClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;

    private StalledClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** Opens the connection and completes the handshake; fails the test unless the server answers 101. */
    public static StalledClient connect(URI wsUri) throws IOException {
        return connect(wsUri, java.util.Map.of());
    }

    /** Like {@link #connect(URI)}, with extra request headers (e.g. {@code Origin}). */
    public static StalledClient connect(URI wsUri, java.util.Map<String, String> headers) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(wsUri.getHost(), wsUri.getPort()), 5_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + wsUri.getRawPath() + (wsUri.getRawQuery() == null ? "" : "?" + wsUri.getRawQuery()) + " HTTP/1.1\r\n"
                + "Host: " + wsUri.getHost() + ":" + wsUri.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + headers.entrySet().stream().map(h -> h.getKey() + ": " + h.getValue() + "\r\n")
                        .collect(java.util.stream.Collectors.joining()) + "\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(10_000);
        StalledClient client = new StalledClient(socket);
        String head = client.readHead();
        assertTrue(head.startsWith("HTTP/1.1 101"), "handshake refused: " + head);
        return client;
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            head.write(in.readUnsignedByte());
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** What the server sent once the client read again. */
    public record Ending(int textFrames, int closeCode) {
        /** closeCode when the connection ended without a close frame */
        public static final int NO_CLOSE_FRAME = -1;
    }

    /**
     * Reads everything the server sends until it ends the connection, counting the text frames.
     *
     * @return the frames read and the close code (or {@link Ending#NO_CLOSE_FRAME})
     * @throws SocketTimeoutException when the server keeps the connection open longer than {@code within}
     */
    public Ending readUntilClosed(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        int texts = 0;
        try {
            while (true) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                if (System.nanoTime() > deadline) {
                    throw new SocketTimeoutException("the server did not end the connection within " + within);
                }
                socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
                RawWebSocket.ServerFrame frame = RawWebSocket.readFrame(in);
                if (frame.opcode() == RawWebSocket.TEXT) {
                    texts++;
                } else if (frame.opcode() == RawWebSocket.CLOSE) {
                    return new Ending(texts, frame.closeCode());
                }
            }
        } catch (EOFException e) {
            return new Ending(texts, Ending.NO_CLOSE_FRAME);
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            // Reset by the server: it gave up on the connection.
            return new Ending(texts, Ending.NO_CLOSE_FRAME);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
