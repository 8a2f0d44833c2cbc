package dev.realtimekit.impl.codec;

import java.io.StringReader;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.NoSuchElementException;

import jakarta.json.Json;
import jakarta.json.JsonValue;
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

    public JsonCodec(Jsonb jsonb) {
        this.jsonb = jsonb;
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

    /** Longest {@code "id"} string a client gets back in an error frame; a longer one is not echoed. */
    public static final int MAX_ECHOED_ID = 128;

    /**
     * Finds the client's optional message id: the top-level {@code "id"} member of a JSON object, when
     * it is a string of at most {@value #MAX_ECHOED_ID} characters or a number. Only called when an
     * error is answered, so the frame is parsed again then and never on the way in.
     *
     * @return the id (a {@link jakarta.json.JsonString} or {@link jakarta.json.JsonNumber}), or null when
     *     there is none, or the text is no well-formed JSON object
     */
    public JsonValue messageId(String text) {
        if (text == null || !text.contains("\"id\"")) {
            return null; // the common case, without a parser
        }
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            if (parser.next() != JsonParser.Event.START_OBJECT) {
                return null;
            }
            JsonValue id = null;
            boolean seen = false;
            // To the end: only a well-formed object's id is echoed (nothing may follow it either).
            while (parser.next() != JsonParser.Event.END_OBJECT) {
                String name = parser.getString(); // a KEY_NAME at the top level
                JsonParser.Event value = parser.next();
                if (!seen && "id".equals(name)) {
                    seen = true;
                    id = echoableId(parser, value);
                }
                if (value == JsonParser.Event.START_OBJECT || value == JsonParser.Event.START_ARRAY) {
                    skipNested(parser);
                }
            }
            return parser.hasNext() ? null : id;
        } catch (JsonException | NoSuchElementException | IllegalStateException e) {
            return null;
        }
    }

    /**
     * @param value the event the parser has just read, the value of an {@code "id"} member
     * @return that value when an error may echo it (a string of at most {@value #MAX_ECHOED_ID}
     *     characters, or a number), else null
     */
    public static JsonValue echoableId(JsonParser parser, JsonParser.Event value) {
        boolean echoable = value == JsonParser.Event.VALUE_NUMBER
                || value == JsonParser.Event.VALUE_STRING && parser.getString().length() <= MAX_ECHOED_ID;
        return echoable ? parser.getValue() : null;
    }

    /** @return the error frame with the client's message id added as its last member */
    public static String withMessageId(String errorFrame, JsonValue messageId) {
        return errorFrame.substring(0, errorFrame.length() - 1) + ",\"id\":" + messageId + "}";
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
