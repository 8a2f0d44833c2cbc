package dev.realtimekit.impl.codec;

import java.io.StringReader;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.NoSuchElementException;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;

/**
 * Turns client frames into message objects and events into frames, with one thread-safe {@link Jsonb}.
 */
public final class JsonCodec implements AutoCloseable {

    /** The error frame for a frame that is not JSON or does not map to the handler's message type. */
    public static final String INVALID_MESSAGE_FORMAT = "Invalid message format";

    private final Jsonb jsonb;
    private final JsonParserFactory parsers = Json.createParserFactory(Map.of());
    private final String invalidFormatFrame;
    private final String internalErrorFrame;

    public JsonCodec(Jsonb jsonb) {
        this.jsonb = jsonb;
        this.invalidFormatFrame = errorFrame(INVALID_MESSAGE_FORMAT);
        this.internalErrorFrame = errorFrame(ErrorFrame.INTERNAL_ERROR);
    }

    /**
     * @param text a text frame from a client
     * @param type the handler's client message type
     * @return the message, never {@code null}
     * @throws JsonbException when the text is not exactly one JSON value, does not map to the type, or is {@code null}
     */
    public <T> T decode(String text, Type type) {
        if (!isOneJsonValue(text)) {
            throw new JsonbException("The frame is not exactly one JSON value");
        }
        T value = jsonb.fromJson(text, type);
        if (value == null) {
            throw new JsonbException("The frame holds no message");
        }
        return value;
    }

    /**
     * JSON-B reads the first value of a text and ignores what follows; a frame like
     * {@code {"type":"ping"} garbage} is malformed and must be refused, so the whole text is checked
     * first. (Parsson's skipObject/skipArray never return on truncated input, so depth is counted.)
     */
    private boolean isOneJsonValue(String text) {
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            JsonParser.Event first = parser.next();
            if (first == JsonParser.Event.START_OBJECT || first == JsonParser.Event.START_ARRAY) {
                skipNested(parser);
            }
            return !parser.hasNext();
        } catch (JsonException | NoSuchElementException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * Skips the object or array whose start the parser has just read, by counting depth: Parsson's
     * own skipObject/skipArray never return on truncated input.
     *
     * @throws java.util.NoSuchElementException when the text ends before the structure does
     */
    public static void skipNested(JsonParser parser) {
        int depth = 1;
        while (depth > 0) {
            JsonParser.Event event = parser.next();
            if (event == JsonParser.Event.START_OBJECT || event == JsonParser.Event.START_ARRAY) {
                depth++;
            } else if (event == JsonParser.Event.END_OBJECT || event == JsonParser.Event.END_ARRAY) {
                depth--;
            }
        }
    }

    /**
     * @param value an event or reply
     * @return its JSON text
     * @throws JsonbException when JSON-B cannot serialize it
     */
    public String encode(Object value) {
        return jsonb.toJson(value);
    }

    /** @return the frame {@code {"type":"error","message":"..."}} */
    public String errorFrame(String message) {
        return jsonb.toJson(new ErrorFrame(message));
    }

    /** @return the error frame for a frame that cannot be decoded, serialized once */
    public String invalidFormatFrame() {
        return invalidFormatFrame;
    }

    /** @return the error frame for a failure whose details stay on the server, serialized once */
    public String internalErrorFrame() {
        return internalErrorFrame;
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
