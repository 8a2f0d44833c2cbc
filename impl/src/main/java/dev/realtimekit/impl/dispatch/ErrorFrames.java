package dev.realtimekit.impl.dispatch;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.json.JsonValue;

import dev.realtimekit.ClientError;
import dev.realtimekit.ErrorFrameMapper;
import dev.realtimekit.impl.codec.ErrorFrame;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.ErrorReason;

/**
 * The error frames that answer a client's messages: the default {@code {"type":"error","message":...}}
 * (serialized once per reason), the client's message {@code "id"} echoed when it sent one, or what
 * the application's {@link ErrorFrameMapper} makes of it. Thread-safe.
 */
final class ErrorFrames {

    /** The default client message for each reason whose message is fixed. */
    static final Map<ErrorReason, String> MESSAGES = fixedMessages();

    private final JsonCodec codec;
    private final ErrorFrameMapper mapper;
    private final Map<ErrorReason, String> defaultFrames = new EnumMap<>(ErrorReason.class);
    private final AtomicBoolean mapperFailedBefore = new AtomicBoolean();

    /** @param mapper the application's mapper, or null */
    ErrorFrames(JsonCodec codec, ErrorFrameMapper mapper) {
        this.codec = codec;
        this.mapper = mapper;
        MESSAGES.forEach((reason, message) -> defaultFrames.put(reason, codec.errorFrame(message)));
    }

    private static Map<ErrorReason, String> fixedMessages() {
        Map<ErrorReason, String> messages = new EnumMap<>(ErrorReason.class);
        messages.put(ErrorReason.INVALID_FORMAT, JsonCodec.INVALID_MESSAGE_FORMAT);
        messages.put(ErrorReason.INTERNAL, ErrorFrame.INTERNAL_ERROR);
        messages.put(ErrorReason.HANDLER_TIMEOUT, Dispatcher.HANDLER_TIMED_OUT);
        messages.put(ErrorReason.BROADCAST_FAILED, Dispatcher.BROADCAST_FAILED);
        messages.put(ErrorReason.TOO_MANY_PENDING, Dispatcher.TOO_MANY_PENDING);
        messages.put(ErrorReason.RATE_LIMITED, Dispatcher.RATE_LIMITED);
        messages.put(ErrorReason.BINARY, Dispatcher.BINARY_NOT_SUPPORTED);
        return messages;
    }

    /**
     * @param message the default frame's message, fit for the client: {@link #MESSAGES}' for every
     *     reason but {@link ErrorReason#APPLICATION}
     * @param clientText the message the error answers, or null when it answers none (or a binary one)
     */
    String frame(ErrorReason reason, String message, String clientText) {
        JsonValue id = codec.messageId(clientText);
        if (mapper != null) {
            String mapped = mapped(new ClientError(reason.tag(), message, id));
            if (mapped != null) {
                return mapped;
            }
        }
        String fixed = defaultFrames.get(reason); // null for APPLICATION, whose message varies
        String frame = fixed != null ? fixed : codec.errorFrame(message);
        return id == null ? frame : JsonCodec.withMessageId(frame, id);
    }

    /** @return the mapper's frame, or null for the default one (it said so, or it failed) */
    private String mapped(ClientError error) {
        try {
            Object value = mapper.map(error);
            return value == null ? null : codec.encode(value);
        } catch (RuntimeException e) {
            Messages.errorFrameMapperFailed(mapper.getClass().getName(), error.reason(), e, !mapperFailedBefore.getAndSet(true));
            return null;
        }
    }
}
