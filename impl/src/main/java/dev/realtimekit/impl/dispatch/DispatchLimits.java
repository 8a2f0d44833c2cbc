package dev.realtimekit.impl.dispatch;

import dev.realtimekit.impl.config.RealtimeConfig;

/**
 * What one node grants each connection and all of them together; 0 means no limit where the
 * configuration key says so.
 *
 * @param maxPendingMessages messages of one connection queued or being handled
 * @param sendQueueCapacity frames kept for a connection before its session opens
 * @param sendQueueBytes bytes of text kept for a connection before its session opens
 * @param rateLimitPerSecond messages per second one connection may send on average; 0: no limit
 * @param rateLimitBurst messages one connection may send at once above its rate
 * @param maxConnections connections of this node; 0: no limit
 * @param maxConnectionsPerUser connections of one user on this node; 0: no limit
 * @param handlerTimeoutMs longest a handler stage may take; 0: no limit
 */
public record DispatchLimits(int maxPendingMessages, int sendQueueCapacity, long sendQueueBytes, int rateLimitPerSecond,
        int rateLimitBurst, int maxConnections, int maxConnectionsPerUser, long handlerTimeoutMs) {

    /** @return the limits the configuration sets */
    public static DispatchLimits of(RealtimeConfig config) {
        return new DispatchLimits(config.maxPendingMessages(), config.sendQueueCapacity(), config.sendQueueBytes(),
                config.rateLimitPerSecond(), config.rateLimitBurst(), config.maxConnections(),
                config.maxConnectionsPerUser(), config.handlerTimeoutMs());
    }
}
