package dev.realtimekit.sample;

import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/** What a chat client sends: {@code {"type":"send","room":"...","text":"..."}} or {@code {"type":"ping"}}. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "send", type = ClientMessage.Send.class),
        @JsonbSubtype(alias = "ping", type = ClientMessage.Ping.class)})
public sealed interface ClientMessage {

    /**
     * A chat line for the room.
     *
     * @param room the room it is meant for; must be the connection's topic
     * @param text the line
     */
    record Send(String room, String text) implements ClientMessage {
    }

    /** A liveness check, answered with a pong to the sender only. */
    record Ping() implements ClientMessage {
    }
}
