package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProtocolTest {

    @Test
    void kitUrlsAndFrames() {
        Protocol kit = Protocol.named("kit");
        assertEquals("ws://h:1/chat/ws/private-user-abc?token=abc:u3",
                kit.uri("ws://h:1/chat/ws/", "private-user-abc", "abc", "u3").toString());
        assertEquals("{\"type\":\"send\",\"room\":\"t\",\"text\":\"1.2.3.\"}", kit.sendFrame("t", "1.2.3."));
        assertEquals(Protocol.Kind.MESSAGE, kit.classify("{\"type\":\"message\",\"room\":\"t\",\"user\":\"u\",\"text\":\"1.2.3.\"}"));
        assertEquals(Protocol.Kind.ERROR, kit.classify("{\"type\":\"error\",\"message\":\"Too many pending messages\"}"));
        assertEquals(Protocol.Kind.UNEXPECTED, kit.classify("{\"type\":\"pong\"}"));
        // The sample's notices when another connection joins or leaves the topic: neither deliveries nor errors.
        assertEquals(Protocol.Kind.IGNORED, kit.classify("{\"type\":\"joined\",\"room\":\"t\",\"user\":\"u7\"}"));
        assertEquals(Protocol.Kind.IGNORED, kit.classify("{\"type\":\"left\",\"room\":\"t\",\"user\":\"u7\"}"));
    }

    @Test
    void socketIoUrlsAndFrames() {
        Protocol io = Protocol.named("socketio");
        assertEquals("ws://h:3000/socket.io/?EIO=4&transport=websocket&room=private-user-abc&user=u3",
                io.uri("ws://h:3000/socket.io/", "private-user-abc", "abc", "u3").toString());
        assertEquals("42[\"send\",{\"room\":\"t\",\"text\":\"1.2.3.\"}]", io.sendFrame("t", "1.2.3."));
        assertEquals(Protocol.Kind.OPEN, io.classify("0{\"sid\":\"x\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000}"));
        assertEquals(Protocol.Kind.READY, io.classify("40{\"sid\":\"y\"}"));
        assertEquals(Protocol.Kind.PING, io.classify("2"));
        assertEquals(Protocol.Kind.MESSAGE, io.classify("42[\"message\",{\"type\":\"message\",\"room\":\"t\",\"user\":\"u\",\"text\":\"1.2.3.\"}]"));
        assertEquals(Protocol.Kind.ERROR, io.classify("44{\"message\":\"not allowed\"}"));
        assertEquals(Protocol.Kind.ERROR, io.classify("41"));
        assertEquals(Protocol.Kind.UNEXPECTED, io.classify("42[\"other\",{}]"));
        assertEquals("40", io.connectFrame());
        assertEquals("3", io.pong());
    }
}
