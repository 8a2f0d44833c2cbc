package dev.realtimekit;

/**
 * Optional CDI bean (at most one) that decides what a client receives when the kit answers one of
 * its messages with an error: implement it to give error frames your protocol's shape. Without it,
 * or when it returns {@code null}, the client gets the default
 * {@code {"type":"error","message":...}} (plus the message's {@code "id"}, see {@link ClientError}).
 *
 * <p>Threads: called on whichever thread sends the error (a handler thread, the container's read
 * thread for a refused or rate-limited message, the bus's thread for a failed broadcast), possibly
 * concurrently: it must be thread-safe, quick, and never block. It runs for errors that answer
 * messages only: handshake refusals are HTTP statuses, and refused subscribe frames keep their
 * documented shape.
 *
 * <p>A mapper that throws, or returns a value JSON-B cannot serialize, makes the kit send the
 * default frame instead; the first such failure is logged ({@code RTK0124W}).
 */
public interface ErrorFrameMapper {

    /**
     * @param error what failed
     * @return the value to send, serialized with JSON-B (a {@link String} is sent as a JSON string,
     *     so return an object or record for a JSON object), or null for the default frame
     */
    Object map(ClientError error);
}
