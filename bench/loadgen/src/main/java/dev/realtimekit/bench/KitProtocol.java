package dev.realtimekit.bench;

import java.net.URI;

/**
 * The sample chat's protocol (also the baseline's): token in the query, JSON frames
 * {"type":"send"|"message"|"error"}; the sample's {"type":"joined"|"left"} notices are ignored.
 */
final class KitProtocol implements Protocol {

    @Override
    public URI uri(String baseUrl, String topic, String uuid, String user) {
        return URI.create(baseUrl + topic + "?token=" + uuid + ":" + user);
    }

    @Override
    public String sendFrame(String topic, String payload) {
        return "{\"type\":\"send\",\"room\":\"" + topic + "\",\"text\":\"" + payload + "\"}";
    }

    @Override
    public Kind classify(String frame) {
        // Looks for the type anywhere: the servers need not put it first.
        if (frame.contains("\"type\":\"message\"")) {
            return Kind.MESSAGE;
        }
        if (frame.contains("\"type\":\"error\"")) {
            return Kind.ERROR;
        }
        if (frame.contains("\"type\":\"joined\"") || frame.contains("\"type\":\"left\"")) {
            return Kind.IGNORED; // the sample's join and leave notices (the baseline sends none): no delivery, no error
        }
        return Kind.UNEXPECTED;
    }

    @Override
    public boolean readyOnOpen() {
        return true; // the kit subscribes before the upgrade completes
    }

    @Override
    public String connectFrame() {
        throw new UnsupportedOperationException("the kit protocol has no connect frame");
    }

    @Override
    public String pong() {
        throw new UnsupportedOperationException("the kit server never pings");
    }
}
