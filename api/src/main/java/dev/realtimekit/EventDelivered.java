package dev.realtimekit;

/**
 * CDI event: this node received an event of one of its topics and handed it to its local
 * subscribers. Fired on every node that has subscribers of the topic, once per event and node, so an
 * application can keep a per-node cache coherent with what its clients see (the handler, by
 * contrast, runs only on the sender's node). Events published to a topic no client of this node
 * follows do not reach this node and are not fired here.
 *
 * <p>Observe it with {@code @Observes}: observers are called on the thread that delivers the
 * topic's events (Redisson's listener thread with Redis, the publishing thread with the in-JVM bus),
 * after the frame was queued for every local subscriber, and in the order every subscriber of the
 * topic sees the events. That thread delivers the topic's next event only once the observers
 * returned: keep them short and never block in them; hand slow work to an executor (and keep its
 * order yourself). A failing observer is logged and changes nothing for the delivery. Nothing is
 * fired, and nothing costs anything, when the application has no observer of this type.
 *
 * @param topic the event's topic
 * @param json the event as its subscribers receive it on their path topic (the JSON text of the
 *     published event)
 */
public record EventDelivered(String topic, String json) {
}
