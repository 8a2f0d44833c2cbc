package dev.realtimekit.bench;

import java.net.URI;

/** A wire protocol the generator speaks: where to connect, how to send, what a received frame is. */
interface Protocol {

    /** What a received frame is, as far as the connection needs to know. */
    enum Kind {
        /** a broadcast message carrying a payload */
        MESSAGE,
        /** an error reported by the server */
        ERROR,
        /** the server asks for a pong ({@link #pong()}) */
        PING,
        /** the transport is open; answer {@link #connectFrame()} */
        OPEN,
        /** the client is ready (subscribed) */
        READY,
        /** protocol chatter that needs nothing */
        IGNORED,
        /** anything else: counted as an error */
        UNEXPECTED
    }

    URI uri(String baseUrl, String topic, String uuid, String user);

    String sendFrame(String topic, String payload);

    Kind classify(String frame);

    /** True when the socket's opening alone makes the client ready. */
    boolean readyOnOpen();

    String connectFrame();

    String pong();

    static Protocol named(String name) {
        return switch (name) {
            case "kit" -> new KitProtocol();
            case "socketio" -> new SocketIoProtocol();
            default -> throw new IllegalArgumentException("--protocol must be kit or socketio, not " + name);
        };
    }
}
