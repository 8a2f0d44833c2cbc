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
import org.junit.jupiter.params.provider.CsvSource;
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
    void theKitsOwnErrorFrames() {
        assertEquals("{\"type\":\"error\",\"message\":\"Invalid message format\"}", codec.errorFrame(JsonCodec.INVALID_MESSAGE_FORMAT));
        assertEquals("{\"type\":\"error\",\"message\":\"Internal server error\"}", codec.errorFrame(ErrorFrame.INTERNAL_ERROR));
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"type\":\"send\",\"id\":\"m-1\"}                 | \"m-1\"",
        "{\"id\":42,\"type\":\"send\"}                        | 42",
        "{\"id\":-1.5e3}                                     | -1.5E+3",
        "{\"id\":\"quote \\\" and \\u00e9\"}                  | \"quote \\\" and \u00e9\"",
        "{\"inner\":{\"id\":\"deep\"},\"list\":[{\"id\":1}],\"id\":\"top\"} | \"top\"",
    })
    void theTopLevelIdOfAMessageIsEchoedAsJson(String text, String expectedJson) {
        assertEquals(expectedJson, codec.messageId(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"type\":\"send\"}", "{\"inner\":{\"id\":\"deep\"}}", "{\"id\":true}", "{\"id\":null}",
        "{\"id\":{\"a\":1}}", "[{\"id\":1}]", "\"id\"", "not json \"id\"", "{\"id\":", "{\"id\" 1}", "",
        "{\"id\":1} trailing", "{\"id\":1,\"x\":", "{\"id\":1}{\"id\":2}"})
    void noIdIsEchoedUnlessTheMessageIsAnObjectWithAStringOrNumberId(String text) {
        assertEquals(null, codec.messageId(text));
    }

    @Test
    void anIdLongerThanTheLimitIsNotEchoed() {
        assertEquals("\"" + "x".repeat(JsonCodec.MAX_ECHOED_ID) + "\"",
                codec.messageId("{\"id\":\"" + "x".repeat(JsonCodec.MAX_ECHOED_ID) + "\"}").toString());
        assertEquals(null, codec.messageId("{\"id\":\"" + "x".repeat(JsonCodec.MAX_ECHOED_ID + 1) + "\"}"));
    }

    @Test
    void theIdIsTheErrorFramesLastMember() {
        assertEquals("{\"type\":\"error\",\"message\":\"Nope\",\"id\":7}", JsonCodec.withMessageId(codec.errorFrame("Nope"), jakarta.json.Json.createValue(7)));
    }
}
