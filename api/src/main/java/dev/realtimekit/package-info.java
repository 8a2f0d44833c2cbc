/**
 * Realtime Kit's public API: topic-based WebSockets for Jakarta EE that scale across nodes.
 *
 * <p>An application implements one {@link dev.realtimekit.MessageHandler} and one
 * {@link dev.realtimekit.TokenValidator} as CDI beans, optionally a
 * {@link dev.realtimekit.TopicAuthorizer}; the kit (the {@code realtime-kit-impl} jar) registers the
 * endpoint, authenticates handshakes, dispatches messages on managed executors and delivers broadcast
 * events to every subscriber of a topic, on every node.
 *
 * <p>{@link dev.realtimekit.Coalescer} is a helper an application may use anywhere: one operation per
 * key at a time, its result shared by every concurrent caller (single-flight).
 */
package dev.realtimekit;
