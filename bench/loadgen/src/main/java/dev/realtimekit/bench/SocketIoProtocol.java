package dev.realtimekit.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Socket.IO 4 over a raw WebSocket (Engine.IO v4, no polling), default namespace, room and user in the query. */
final class SocketIoProtocol implements Protocol {

    @Override
    public URI uri(String baseUrl, String topic, String uuid, String user) {
        return URI.create(baseUrl + "?EIO=4&transport=websocket&room=" + encode(topic) + "&user=" + encode(user));
    }

    @Override
    public String sendFrame(String topic, String payload) {
        return "42[\"send\",{\"room\":\"" + topic + "\",\"text\":\"" + payload + "\"}]";
    }

    @Override
    public Kind classify(String frame) {
        if (frame.startsWith("42[\"message\"")) {
            return Kind.MESSAGE;
        }
        if (frame.equals("2")) {
            return Kind.PING;
        }
        if (frame.startsWith("0{")) {
            return Kind.OPEN;
        }
        if (frame.startsWith("40")) {
            return Kind.READY;
        }
        if (frame.equals("3") || frame.equals("6")) {
            return Kind.IGNORED; // pong, noop
        }
        if (frame.startsWith("44") || frame.startsWith("41") || frame.equals("1")) {
            return Kind.ERROR; // connect_error, namespace disconnect, transport close
        }
        return Kind.UNEXPECTED;
    }

    @Override
    public boolean readyOnOpen() {
        return false; // ready only after the server's 40{"sid":...}
    }

    @Override
    public String connectFrame() {
        return "40";
    }

    @Override
    public String pong() {
        return "3";
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
