package dev.realtimekit.impl.dispatch;

import java.util.concurrent.TimeoutException;

/** A handler's stage did not complete within {@code realtime.handler-timeout-ms}; its late result is ignored. */
final class HandlerTimeoutException extends TimeoutException {

    private static final long serialVersionUID = 1L;

    HandlerTimeoutException(long timeoutMs) {
        super("The handler's stage did not complete within " + timeoutMs + " ms");
    }
}
