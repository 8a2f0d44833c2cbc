package dev.realtimekit.bench;

/** The run could not be set up (handshakes refused, a process missing): reported, with a non-zero exit. */
final class SetupException extends Exception {

    SetupException(String message) {
        super(message);
    }
}
