package dev.realtimekit.examples.counter;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/** What a dashboard sends: {@code {"type":"increment"}} or {@code {"type":"get"}}. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "increment", type = CounterMessage.Increment.class),
        @JsonbSubtype(alias = "get", type = CounterMessage.Get.class)})
public sealed interface CounterMessage {

    /** Adds one to the topic's counter; every subscriber of the topic gets the new value. */
    record Increment() implements CounterMessage {
    }

    /** Asks for the counter's value, answered to the sender only. */
    record Get() implements CounterMessage {
    }
}
