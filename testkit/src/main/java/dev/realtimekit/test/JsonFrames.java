package dev.realtimekit.test;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;

/** Compares frames as JSON values: member order and insignificant white space do not count. */
final class JsonFrames {

    private JsonFrames() {
    }

    /** @return the frame as a JSON value, or null when it is not JSON */
    static JsonValue parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readValue();
        } catch (JsonParsingException e) {
            return null;
        } catch (JsonException e) {
            return null;
        }
    }

    /** @throws IllegalArgumentException when {@code expected} is not JSON (a mistake in the test) */
    static boolean sameJson(String expected, String actual) {
        JsonValue wanted = parse(expected);
        if (wanted == null) {
            throw new IllegalArgumentException("the expected frame is not JSON: " + expected);
        }
        return wanted.equals(parse(actual));
    }
}
