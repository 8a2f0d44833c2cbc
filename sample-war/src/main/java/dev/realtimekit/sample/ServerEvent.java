package dev.realtimekit.sample;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbSubtype;
import jakarta.json.bind.annotation.JsonbTypeInfo;

/** What the server sends: a chat line or a join/leave notice to the room, or a pong to one client. */
@JsonbTypeInfo(key = "type", value = {
        @JsonbSubtype(alias = "message", type = ServerEvent.Message.class),
        @JsonbSubtype(alias = "pong", type = ServerEvent.Pong.class),
        @JsonbSubtype(alias = "joined", type = ServerEvent.Joined.class),
        @JsonbSubtype(alias = "left", type = ServerEvent.Left.class)})
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

    /**
     * A connection joined the room, told to everyone else in it: {@code {"type":"joined","room":..,"user":..}}.
     *
     * @param room the room (the connection's path topic)
     * @param user the joining user's name
     */
    @JsonbPropertyOrder({"room", "user"})
    record Joined(String room, String user) implements ServerEvent {
    }

    /**
     * A connection left the room, told to everyone still in it: {@code {"type":"left","room":..,"user":..}}.
     *
     * @param room the room (the connection's path topic)
     * @param user the leaving user's name
     */
    @JsonbPropertyOrder({"room", "user"})
    record Left(String room, String user) implements ServerEvent {
    }
}
