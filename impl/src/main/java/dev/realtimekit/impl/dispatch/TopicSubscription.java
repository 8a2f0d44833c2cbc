package dev.realtimekit.impl.dispatch;

import dev.realtimekit.impl.registry.TopicRegistry;

/**
 * A connection's subscription to a topic other than its path topic (subscribed with a subscribe
 * frame): its events reach the client wrapped in {@code {"type":"event","topic":...,"event":...}},
 * so the client can tell the topics apart. Its id is the connection's, so an event that excludes the
 * connection skips it on every topic.
 */
final class TopicSubscription implements TopicRegistry.Subscriber {

    private final Connection<?> connection;
    private final String topic;
    /** {@code {"type":"event","topic":"<topic>","event":}}, built once. */
    private final String envelopeStart;

    TopicSubscription(Connection<?> connection, String topic, String topicAsJson) {
        this.connection = connection;
        this.topic = topic;
        this.envelopeStart = "{\"type\":\"event\",\"topic\":" + topicAsJson + ",\"event\":";
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String id() {
        return connection.id();
    }

    @Override
    public void deliver(String frame) {
        connection.deliver(envelopeStart + frame + "}");
    }

    /** A history topic's frame names its topic already: sent as it is. */
    @Override
    public void deliverFrame(String frame) {
        connection.deliver(frame);
    }
}
