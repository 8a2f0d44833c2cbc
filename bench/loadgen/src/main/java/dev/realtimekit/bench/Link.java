package dev.realtimekit.bench;

/** The sending side of one open socket, whichever client library carries it. */
interface Link {

    /** Sends one text frame without blocking the caller; a failure is counted as a send failure. */
    void send(String text);

    /** False while the socket's outbound buffer is over its bound: the pacer then counts the message as blocked. */
    boolean writable();

    /** Drops the socket without a closing handshake. */
    void abort();
}
