package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Netty socket against a scripted server: handshake, fragments, pings, close, refusal; no network. */
class NettyLinkTest {

    private static final URI URI_ = URI.create("ws://127.0.0.1:19999/chat/ws/t?token=abc:u0");

    private final Counters counters = new Counters();
    private final AtomicInteger open = new AtomicInteger();
    private final Connection connection = new Connection(0, new KitProtocol(), counters, open);
    private final NettyLink link = new NettyLink(connection, NettyTransport.handshaker(URI_));
    private final EmbeddedChannel channel = new EmbeddedChannel(NettyTransport.initializer(link, null, "127.0.0.1", 19999));

    private static String message(long seq) {
        return "{\"type\":\"message\",\"room\":\"t\",\"user\":\"u0\",\"text\":\"" + Payload.encode(0, seq, 5, 64) + "\"}";
    }

    /** A server frame: final or not, opcode, unmasked payload (shorter than 126 bytes). */
    private static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        out.write(payload.length);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private String request() {
        StringBuilder b = new StringBuilder();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; buf.release()) {
            b.append(buf.toString(StandardCharsets.US_ASCII));
        }
        return b.toString();
    }

    private static String accept(String request) throws Exception {
        Matcher m = Pattern.compile("(?i)sec-websocket-key: *(\\S+)").matcher(request);
        assertTrue(m.find(), request);
        byte[] sha1 = MessageDigest.getInstance("SHA-1")
                .digest(utf8(m.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
        return Base64.getEncoder().encodeToString(sha1);
    }

    private void inbound(byte[] bytes) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));
        channel.runPendingTasks();
    }

    /** The next client frame: checks it is final and masked, returns opcode and unmasked payload. */
    private Object[] outboundFrame() {
        ByteBuf buf = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null; part.release()) {
            buf.writeBytes(part);
        }
        assertTrue(buf.readableBytes() >= 6, "no frame written");
        int first = buf.readUnsignedByte();
        int second = buf.readUnsignedByte();
        assertEquals(0x80, first & 0x80, "final");
        assertEquals(0x80, second & 0x80, "masked");
        byte[] mask = new byte[4];
        buf.readBytes(mask);
        byte[] payload = new byte[second & 0x7f];
        buf.readBytes(payload);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return new Object[] {first & 0x0f, payload};
    }

    private void handshake(byte[] after) throws Exception {
        String request = request();
        assertTrue(request.startsWith("GET /chat/ws/t?token=abc:u0 HTTP/1.1\r\n"), request);
        assertFalse(request.toLowerCase().contains("origin:"), request);
        assertFalse(request.toLowerCase().contains("sec-websocket-extensions"), request);
        String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(request) + "\r\n\r\n";
        inbound(concat(utf8(response), after));
    }

    @Test
    void opensJoinsFragmentsAnswersPingsAndReportsTheClose() throws Exception {
        // the first message arrives in the same read as the 101 response
        handshake(frame(true, 0x1, utf8(message(1))));
        assertTrue(link.handshake.isDone() && !link.handshake.isCompletedExceptionally());
        assertTrue(connection.isOpen());
        assertEquals(1, open.get());
        assertTrue(link.writable());

        String two = message(2);
        inbound(concat(frame(false, 0x1, utf8(two.substring(0, 30))), frame(false, 0x0, utf8(two.substring(30, 60))),
                frame(true, 0x0, utf8(two.substring(60)))));
        assertEquals(2, counters.frames.sum());
        assertEquals(0, counters.errors(), counters.samples().toString());

        inbound(frame(true, 0x9, utf8("are you there")));
        Object[] pong = outboundFrame();
        assertEquals(0xA, pong[0]);
        assertArrayEquals(utf8("are you there"), (byte[]) pong[1]);

        connection.send("{\"type\":\"send\"}");
        channel.runPendingTasks();
        Object[] sent = outboundFrame();
        assertEquals(0x1, sent[0]);
        assertEquals("{\"type\":\"send\"}", new String((byte[]) sent[1], StandardCharsets.UTF_8));

        inbound(frame(true, 0x8, concat(new byte[] {0x03, (byte) 0xE9}, utf8("bye")))); // 1001 "bye"
        Object[] close = outboundFrame();
        assertEquals(0x8, close[0]);
        channel.runPendingTasks();
        assertFalse(channel.isOpen());
        assertFalse(connection.isOpen());
        assertEquals(0, open.get());
        assertEquals(1, counters.closed.sum(), "reported once, not again when the channel goes inactive");
        assertTrue(counters.samples().contains("closed by the server: close 1001 bye"), counters.samples().toString());
    }

    @Test
    void aRefusedHandshakeReportsTheStatus() throws Exception {
        request();
        inbound(utf8("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
        assertTrue(link.handshake.isCompletedExceptionally());
        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> link.handshake.get());
        assertEquals("HTTP 403", NettyTransport.refusalOf(failure.getCause()));
        assertEquals("HTTP 403", Fleet.describe(failure, NettyTransport.refusalOf(failure.getCause())));
        assertFalse(channel.isOpen());
        assertFalse(connection.isOpen());
        assertEquals(0, counters.errors(), "a refused handshake is a setup failure, not a run error");
    }

    @Test
    void anAbortIsNoError() throws Exception {
        handshake(new byte[0]);
        connection.abort();
        channel.runPendingTasks();
        assertFalse(channel.isOpen());
        assertFalse(connection.isOpen());
        assertEquals(0, counters.errors());
        assertFalse(link.writable());
    }
}
