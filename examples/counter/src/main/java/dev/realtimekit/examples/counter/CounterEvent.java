package dev.realtimekit.examples.counter;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/** What the server sends: {@code {"type":"count","topic":"...","value":n}}. */
@JsonbTypeInfo(key = "type", value = @JsonbSubtype(alias = "count", type = CounterEvent.Count.class))
public sealed interface CounterEvent {

    /**
     * The value of a topic's counter.
     *
     * @param topic the counter's topic
     * @param value its value after the increment, or when asked
     */
    record Count(String topic, long value) implements CounterEvent {
    }
}
