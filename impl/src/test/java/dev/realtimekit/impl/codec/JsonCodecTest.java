package dev.realtimekit.impl.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonCodecTest {

    /** A record with nested values, as applications use for messages and events. */
    public record Sample(String name, int count, List<String> tags, Map<String, Integer> scores, Inner inner) {
    }

    public record Inner(boolean flag) {
    }

    private final JsonCodec codec = new JsonCodec(JsonbBuilder.create());

    @AfterEach
    void tearDown() throws Exception {
        codec.close();
    }

    @Test
    void errorFrameIsTypeThenMessage() {
        assertEquals("{\"type\":\"error\",\"message\":\"x\"}", codec.errorFrame("x"));
    }

    @Test
    void errorFrameEscapesTheMessage() {
        assertEquals("{\"type\":\"error\",\"message\":\"say \\\"hi\\\"\\n\"}", codec.errorFrame("say \"hi\"\n"));
    }

    @Test
    void prebuiltErrorFrames() {
        assertEquals("{\"type\":\"error\",\"message\":\"Invalid message format\"}", codec.invalidFormatFrame());
        assertEquals("{\"type\":\"error\",\"message\":\"Internal server error\"}", codec.internalErrorFrame());
    }

    @Test
    void recordsRoundTrip() {
        Sample sample = new Sample("ünïcode \"quoted\"", 3, List.of("a", "b"), Map.of("x", 1), new Inner(true));

        String json = codec.encode(sample);
        Sample back = codec.decode(json, Sample.class);

        assertEquals(sample, back);
    }

    @Test
    void encodesARecordAsAnObjectOfItsComponents() {
        assertEquals("{\"flag\":true}", codec.encode(new Inner(true)));
    }

    @Test
    void decodingNullTextFails() {
        assertThrows(RuntimeException.class, () -> codec.decode(null, Sample.class));
    }

    @Test
    void decodingTheJsonLiteralNullFails() {
        assertThrows(JsonbException.class, () -> codec.decode("null", Sample.class));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "{\"name\":", "[1,2]", "\"text\"", "{\"count\":\"many\"}"})
    void decodingTextThatIsNotTheTypeFails(String text) {
        assertThrows(JsonbException.class, () -> codec.decode(text, Sample.class));
    }

    /** Truncated or trailing input must be refused promptly: a client must not be able to pin a thread. */
    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"name\":{", "{\"name\":[", "[", "{\"inner\":{\"flag\":", "{\"name\":\"x\"} trailing",
            "{\"name\":\"x\"}{\"name\":\"y\"}", "{\"name\":\"x\",\"extra\":{\"deep\":[{"})
    void malformedFramesAreRefusedWithoutHanging(String text) {
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(JsonbException.class, () -> codec.decode(text, Sample.class)));
    }

    @Test
    void surroundingWhitespaceIsAccepted() {
        assertEquals(new Inner(true), codec.decode(" \n{\"flag\":true}\n ", Inner.class));
    }
}
