package dev.realtimekit.impl.websocket;

import java.util.function.Consumer;

import jakarta.websocket.MessageHandler;

/**
 * Receives text messages in parts and hands each whole message on, refusing one larger than the
 * limit however it is fragmented: Liberty's {@code setMaxTextMessageBufferSize} checks each frame
 * only, so a message in many small fragments would otherwise reach the handler, and every subscriber,
 * at any size. A message unfragmented on the wire arrives as one last part and is handed on as it
 * is. Called by the container, one part at a time per session.
 */
final class TextAssembler implements MessageHandler.Partial<String> {

    private final long maxBytes;
    private final Consumer<String> onMessage;
    private final Runnable onTooBig;
    /** The parts so far of a fragmented message; null between messages. */
    private StringBuilder parts;
    private long bytes;
    /** Set once a message was too big: its remaining parts are dropped. */
    private boolean discarding;

    /**
     * @param maxBytes the largest message, in UTF-8 bytes
     * @param onTooBig called once for a message larger than that (the caller closes with 1009)
     */
    TextAssembler(long maxBytes, Consumer<String> onMessage, Runnable onTooBig) {
        this.maxBytes = maxBytes;
        this.onMessage = onMessage;
        this.onTooBig = onTooBig;
    }

    @Override
    public void onMessage(String part, boolean last) {
        if (discarding) {
            discarding = !last;
            return;
        }
        if (last && parts == null) {
            onMessage.accept(part); // the common case: one frame, one message
            return;
        }
        bytes += SendWindow.utf8Length(part);
        if (bytes > maxBytes) {
            parts = null;
            bytes = 0;
            discarding = !last;
            onTooBig.run();
            return;
        }
        if (parts == null) {
            parts = new StringBuilder(part);
        } else {
            parts.append(part);
        }
        if (last) {
            String message = parts.toString();
            parts = null;
            bytes = 0;
            onMessage.accept(message);
        }
    }
}
