package dev.realtimekit.sample;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/** What the server sends: a chat line to the room, or a pong to one client. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "message", type = ServerEvent.Message.class),
        @JsonbSubtype(alias = "pong", type = ServerEvent.Pong.class)})
public sealed interface ServerEvent {

    /**
     * A chat line, broadcast to everyone in the room: {@code {"type":"message","room":..,"user":..,"text":..}}.
     *
     * @param room the room
     * @param user the sender's name
     * @param text the line
     */
    @JsonbPropertyOrder({"room", "user", "text"})
    record Message(String room, String user, String text) implements ServerEvent {
    }

    /** The answer to a ping, sent to its sender only: {@code {"type":"pong"}}. */
    record Pong() implements ServerEvent {
    }
}
