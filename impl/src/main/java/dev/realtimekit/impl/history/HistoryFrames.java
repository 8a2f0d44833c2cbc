package dev.realtimekit.impl.history;

import jakarta.json.Json;

/**
 * The frames of history topics, as the README's wire protocol documents them. {@code topicJson} is the
 * topic as a JSON string; {@code idMember} is empty or {@code ,"id":<value>} (a subscribe frame's id,
 * echoed by its answer).
 */
public final class HistoryFrames {

    /** The resync reason when the topic keeps no history at all: the client's position means nothing here. */
    public static final String NO_HISTORY = "no-history";

    private HistoryFrames() {
    }

    /** @return the topic as a JSON string */
    public static String json(String text) {
        return Json.createValue(text).toString();
    }

    public static String event(String topicJson, Position at, String payload) {
        return "{\"type\":\"event\",\"topic\":" + topicJson + members(at) + ",\"event\":" + payload + "}";
    }

    public static String subscribed(String topicJson, Position at, String idMember) {
        return "{\"type\":\"subscribed\",\"topic\":" + topicJson + members(at) + idMember + "}";
    }

    public static String recovered(String topicJson, Position at, int replayed, String idMember) {
        return "{\"type\":\"recovered\",\"topic\":" + topicJson + members(at) + ",\"replayed\":" + replayed + idMember + "}";
    }

    public static String resync(String topicJson, Position at, String reason, String idMember) {
        return "{\"type\":\"resync\",\"topic\":" + topicJson + members(at) + ",\"reason\":\"" + reason + "\"" + idMember + "}";
    }

    /** @return the answer to a {@code since} on a topic without history: no position, then the topic's plain frames */
    public static String noHistory(String topic, String idMember) {
        return "{\"type\":\"resync\",\"topic\":" + json(topic) + ",\"reason\":\"" + NO_HISTORY + "\"" + idMember + "}";
    }

    private static String members(Position at) {
        return ",\"epoch\":" + json(at.epoch()) + ",\"seq\":" + at.seq();
    }
}
