package dev.realtimekit.impl.i18n;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Every message the kit logs or reports, each with a stable id ({@code RTKnnnnX}, X = E error,
 * W warning, I info). Log messages never contain tokens or message payloads, and the failures they
 * show have the credentials of any address in them masked ({@link LoggedFailure}).
 */
public final class Messages {

    /** The kit's logger; set {@code dev.realtimekit} to FINE to see per-connection events. */
    public static final Logger LOG = Logger.getLogger("dev.realtimekit");
    /** Whether subscriptions are failing: set by the first failure of an episode, cleared by a success. */
    private static final AtomicBoolean SUBSCRIBE_FAILING = new AtomicBoolean();

    private Messages() {
    }

    /**
     * Logs a message with its failure's stack trace, masked ({@link LoggedFailure}) only when the level
     * is on: the FINE ones come with every failed delivery or publish, and masking reads the whole chain.
     */
    private static void logFailure(Level level, Throwable failure, Supplier<String> message) {
        if (LOG.isLoggable(level)) {
            LOG.log(level, LoggedFailure.forLog(failure), message);
        }
    }

    // Deployment problems (reported together by the CDI extension)

    public static String noHandler() {
        return "RTK0001E: No MessageHandler bean was found. Implement dev.realtimekit.MessageHandler<C, E, U> in a CDI bean"
                + " (annotate the class with @ApplicationScoped) in the web application.";
    }

    public static String tooManyHandlers(String path, Collection<String> classes) {
        return "RTK0002E: More than one MessageHandler bean for the path " + path + ": " + String.join(", ", classes)
                + ". Keep exactly one.";
    }

    public static String unresolvedTypeArguments(String beanClass, String seen) {
        return "RTK0003E: Cannot determine the type arguments of MessageHandler for bean class " + beanClass
                + " (found " + seen + "). Declare concrete types, e.g. implements MessageHandler<MyMessage, MyEvent, String>.";
    }

    public static String noTokenValidator(String handlerClass) {
        return "RTK0004E: No TokenValidator bean was found for the MessageHandler " + handlerClass
                + ". Implement dev.realtimekit.TokenValidator<U> in a CDI bean to authenticate handshakes,"
                + " and give its class a bean-defining annotation (e.g. @ApplicationScoped): with annotated bean discovery,"
                + " a class without one is not a bean.";
    }

    public static String tooMany(String type, Collection<String> classes) {
        return "RTK0005E: More than one " + type + " bean: " + String.join(", ", classes) + ". Keep at most one.";
    }

    public static String userTypeMismatch(String beanClass, String type, String found, String expected,
            String handlerClass) {
        return "RTK0006E: " + type + " bean " + beanClass + " produces user ids of type " + found + ", but the MessageHandler "
                + handlerClass + " expects " + expected + ".";
    }

    public static String unsupportedScope(String beanClass, String scope) {
        return "RTK0007E: Bean " + beanClass + " has scope @" + scope
                + ", which is not active on WebSocket and executor threads. Use @ApplicationScoped, @Singleton or @Dependent.";
    }

    public static String invalidConfig(String problem) {
        return "RTK0008E: Invalid configuration: " + problem + ".";
    }

    public static String noServerContainer() {
        return "RTK0009E: No jakarta.websocket ServerContainer in the servlet context: enable the websocket-2.1 feature.";
    }

    public static String mappingConflict(String pattern, Collection<String> conflicts) {
        return "RTK0010E: Cannot map the realtime endpoint to " + pattern + ": already mapped by the application ("
                + String.join(", ", conflicts) + "). Change realtime.path.";
    }

    public static String redissonMissing() {
        return "RTK0011E: realtime.redis.* is configured but Redisson is not in the application: add org.redisson:redisson to the WAR.";
    }

    /** Logs one deployment problem (one of the ids above), once, without a stack trace. */
    public static void deploymentProblem(String problem) {
        LOG.severe(problem);
    }

    /**
     * @param problems the deployment problems, each starting with its id
     * @return the one deployment problem the server is given: its ids, pointing to the lines logged before
     */
    public static String deploymentFailed(List<String> problems) {
        List<String> ids = problems.stream().map(problem -> problem.substring(0, Math.min(8, problem.length()))).toList();
        return "RTK0012E: The realtime kit cannot start this application: " + problems.size() + " deployment problem"
                + (problems.size() == 1 ? " (" + ids.get(0) + "), logged" : "s (" + String.join(", ", ids) + "), each logged")
                + " before this message.";
    }

    // Runtime

    public static void endpointRegistered(String contextPath, String path, String handlerClass, String bus) {
        LOG.info(() -> "RTK0100I: Realtime endpoint " + contextPath + path + " serves " + handlerClass + " (event bus: " + bus + ").");
    }

    public static void handlerFailed(String method, String handlerClass, String connectionId, Throwable failure) {
        logFailure(Level.WARNING, failure, () -> "RTK0101W: " + handlerClass + "." + method + " failed for connection "
                + connectionId + "; the client got the error frame \"Internal server error\".");
    }

    public static void lifecycleFailed(String method, String handlerClass, String connectionId, Throwable failure) {
        logFailure(Level.WARNING, failure, () -> "RTK0102W: " + handlerClass + "." + method + " failed for connection " + connectionId + ".");
    }

    public static void encodingFailed(String what, String connectionId, Throwable failure) {
        logFailure(Level.WARNING, failure, () -> "RTK0103W: Cannot serialize the " + what + " for connection " + connectionId
                + " with JSON-B; the client got the error frame \"Internal server error\".");
    }

    public static void authenticatorFailed(String beanClass, Throwable failure) {
        logFailure(Level.WARNING, failure, () -> "RTK0104W: " + beanClass + " failed unexpectedly during a handshake.");
    }

    public static void handshakeTimedOut(String beanClasses, long timeoutMs) {
        LOG.warning(() -> "RTK0105W: The handshake check by " + beanClasses + " took longer than realtime.auth-timeout-ms ("
                + timeoutMs + " ms); answered 503.");
    }

    public static void publishFailed(String topic, Throwable failure) {
        logFailure(Level.FINE, failure, () -> "Publishing an event to topic " + topic + " failed.");
    }

    public static void historyResync(String topic, String reason) {
        LOG.warning(() -> "RTK0125W: Events of history topic " + topic + " were missed by this node and cannot be"
                + " recovered (" + reason + "); its local subscribers were told to resync.");
    }

    public static void historyGapFilled(String topic, int events) {
        LOG.info(() -> "RTK0126I: " + events + " events of history topic " + topic + " that this node had missed were"
                + " delivered from the history.");
    }

    public static void historyReadFailed(String topic, Throwable failure) {
        LOG.warning(() -> "RTK0127W: The history of topic " + topic + " cannot be read (" + LoggedFailure.text(failure) + "); its subscribers"
                + " wait for their position, and the read is tried again every second.");
    }

    public static void deliveryFailed(String connectionId, Throwable failure) {
        logFailure(Level.FINE, failure, () -> "Delivering a frame to connection " + connectionId + " failed.");
    }

    public static void slowConsumer(String connectionId, int frames, long bytes) {
        LOG.warning(() -> "RTK0108W: Connection " + connectionId + " fell " + frames + " frames (" + bytes
                + " bytes) behind (realtime.send-queue-capacity, realtime.send-queue-bytes) and was closed with 1008.");
    }

    /**
     * A connection's subscription failed: WARNING once per episode (until a subscription succeeds
     * again, {@link #subscribeSucceeded}), without a stack trace, so that an outage that fails every
     * handshake does not flood the log; each one at FINE, with its cause.
     */
    public static void subscribeFailed(String topic, String connectionId, Throwable failure) {
        if (SUBSCRIBE_FAILING.compareAndSet(false, true)) {
            LOG.warning(() -> "RTK0109W: Subscribing connection " + connectionId + " to topic " + topic
                    + " failed (" + LoggedFailure.text(failure) + "); the handshake was answered 503 (or the open connection closed with 1011)."
                    + " Further failures are logged at FINE until a subscription succeeds again.");
        } else {
            logFailure(Level.FINE, failure, () -> "Subscribing connection " + connectionId + " to topic " + topic + " failed.");
        }
    }

    /** A subscription succeeded: the next failure is a new episode, logged at WARNING again. */
    public static void subscribeSucceeded() {
        if (SUBSCRIBE_FAILING.get()) {
            SUBSCRIBE_FAILING.set(false);
        }
    }

    public static void shutdownIncomplete(int connections, long timeoutMs) {
        LOG.warning(() -> "RTK0110W: " + connections + " connections were still finishing onDisconnect after "
                + timeoutMs + " ms (realtime.shutdown-timeout-ms) at shutdown.");
    }

    public static void rateLimitClosed(String connectionId, int perSecond, int burst) {
        LOG.warning(() -> "RTK0112W: Connection " + connectionId + " kept sending faster than " + perSecond
                + " messages per second (burst " + burst + ", realtime.rate-limit-*) and was closed with 1008.");
    }

    public static void handlerTimedOut(String method, String handlerClass, String connectionId, long timeoutMs) {
        LOG.warning(() -> "RTK0113W: " + handlerClass + "." + method + " did not complete within " + timeoutMs
                + " ms (realtime.handler-timeout-ms) for connection " + connectionId
                + "; the sender got an error frame and its next message is handled.");
    }

    public static void pingTimedOut(String sessionId) {
        LOG.fine(() -> "Session " + sessionId + " answered nothing for a whole realtime.ping-interval-ms after a ping"
                + " and is closed with 1001.");
    }

    public static void unopenedAbandoned(int count) {
        LOG.fine(() -> count + " connections whose sessions never opened after the upgrade were dropped.");
    }

    /** The first failure of the application's ErrorFrameMapper; later ones are FINE (a flood could cause many). */
    public static void errorFrameMapperFailed(String mapperClass, String reason, Throwable failure, boolean first) {
        if (first) {
            logFailure(Level.WARNING, failure, () -> "RTK0124W: The ErrorFrameMapper " + mapperClass + " failed for an error ("
                    + reason + "); the client got the default error frame. Further failures are logged at FINE.");
        } else {
            logFailure(Level.FINE, failure, () -> "The ErrorFrameMapper " + mapperClass + " failed for an error (" + reason + ").");
        }
    }

    /** The first failure of an EventDelivered observer; later ones are FINE (they may come with every event). */
    public static void deliveryObserverFailed(String topic, Throwable failure, boolean first) {
        if (first) {
            logFailure(Level.WARNING, failure, () -> "RTK0123W: An observer of the EventDelivered event failed (topic " + topic
                    + "); deliveries are not affected. Further failures are logged at FINE.");
        } else {
            logFailure(Level.FINE, failure, () -> "An observer of the EventDelivered event failed (topic " + topic + ").");
        }
    }

    public static void observerFailed(String event, Throwable failure) {
        logFailure(Level.WARNING, failure, () -> "RTK0114W: An observer of the " + event + " event failed; the connection is not affected.");
    }

    public static void directDeliveryRetry(long seconds, Throwable failure) {
        LOG.warning(() -> "RTK0115W: This node cannot subscribe to frames for users and connections yet (" + LoggedFailure.text(failure)
                + "); trying again every " + seconds + " s.");
    }

    /** @param blocking a blocking write (a thread stays parked) rather than an asynchronous one */
    public static void writeStuck(String sessionId, long timeoutMs, boolean blocking) {
        LOG.warning(() -> blocking
                ? "RTK0116W: A blocking write to session " + sessionId + " has not returned for " + timeoutMs
                        + " ms: the connection is given up and the thread writing stays parked in the container."
                        + " realtime.send-window-bytes=0 writes every frame asynchronously instead."
                : "RTK0116W: An asynchronous write to session " + sessionId + " has not completed for " + timeoutMs
                        + " ms while the container closes it: the container's close frame may share its buffers.");
    }

    public static void closeNeverReported(String sessionId) {
        LOG.warning(() -> "RTK0117W: Session " + sessionId + " was closed by the kit a whole heartbeat ago and the container"
                + " has not reported the close (a Liberty fault after a failed write): the connection is given up.");
    }

    public static void drainStarted(String trigger, int connections, long windowMs) {
        LOG.info(() -> "RTK0118I: Draining (" + trigger + "): readiness is DOWN, new handshakes get 503, and " + connections
                + " connections are closed with 1012 in randomly delayed batches over " + windowMs + " ms (realtime.drain-window-ms).");
    }

    public static void drainFinished(int connections, int batches, long elapsedMs) {
        LOG.info(() -> "RTK0119I: Drain finished: " + connections + " connections closed with 1012 in " + batches
                + " batches over " + elapsedMs + " ms; this node stays unready until the application restarts.");
    }

    public static void drainMBeanFailed(String name, Throwable failure) {
        LOG.warning(() -> "RTK0120W: Cannot register the drain MBean " + name + " (" + LoggedFailure.text(failure)
                + "); application stop still drains.");
    }

    public static void notAlive(String reason) {
        LOG.severe(() -> "RTK0121E: The realtime kit cannot recover by itself (" + reason
                + "); liveness is DOWN: restart the server.");
    }

    public static void metricsBackend(String backend) {
        LOG.info(() -> "RTK0122I: The realtime kit's metrics go to: " + backend + ".");
    }

    public static void connectionOpened(String connectionId) {
        LOG.fine(() -> "Connection " + connectionId + " opened.");
    }

    public static void connectionClosed(String connectionId, int code) {
        LOG.fine(() -> "Connection " + connectionId + " closed with " + code + ".");
    }

    public static void redisUnreachable(String bus, Throwable failure) {
        LOG.warning(() -> "RTK0200W: " + bus + " is unreachable (" + LoggedFailure.text(failure) + "); broadcasts fail with"
                + " \"Failed to broadcast event\" until it is back. Logged once per outage.");
    }

    public static void redisConnectionLost(String bus, String address) {
        LOG.warning(() -> "RTK0205W: A connection to " + bus + " (" + address + ") was lost while Redis kept answering on"
                + " the others. If it carried subscriptions, Redisson subscribes them again on another connection, and"
                + " events published to them meanwhile did not reach this node; a subscription check follows."
                + " Logged at most once a minute.");
    }

    public static void redisConnectionPingOff(String bus, int intervalMs) {
        LOG.info(() -> "RTK0206I: Redisson's connection ping (pingConnectionInterval " + intervalMs + " ms, Redisson's"
                + " default when the file does not set it) is turned off for " + bus + ": Redisson 3.52 loses"
                + " subscription messages around it. The kit's subscription check finds dead subscriptions instead."
                + " Set pingConnectionInterval: 0 in the file to silence this.");
    }

    public static void redisRecovered(String bus) {
        LOG.info(() -> "RTK0201I: " + bus + " is reachable again; subscriptions are restored by Redisson.");
    }

    public static void deafSubscriptions(String bus, java.util.List<String> topics) {
        LOG.warning(() -> "RTK0202W: " + topics.size() + " topic subscriptions on " + bus + " were not delivering events"
                + " (neither an event nor the probe arrived); subscribed anew: " + (topics.size() <= 10 ? topics : topics.subList(0, 10) + " ..."));
    }

    public static void redisClientReplaced(String bus, java.util.List<String> topics) {
        LOG.warning(() -> "RTK0203W: Topic subscriptions on " + bus + " stayed deaf after being subscribed anew "
                + (topics.size() <= 10 ? topics : topics.subList(0, 10) + " ...")
                + "; Redisson's subscription state is stuck, so the Redis client was replaced and every topic subscribed again.");
    }

    public static void redisSilent(String bus, long silentMs) {
        LOG.warning(() -> "RTK0207W: " + bus + " has answered nothing on this node's open connections for " + silentMs
                + " ms (a stalled Redis, or a host or network path that vanished without closing them); the Redis client"
                + " was replaced to connect anew.");
    }

    public static void redisPubSubStuck(String bus, long redissonTimeoutMs) {
        LOG.warning(() -> "RTK0208W: Redisson gave up on a subscribe or unsubscribe on " + bus + " after "
                + redissonTimeoutMs + " ms while Redis answered its other commands (Redisson 3.52 can lose one of the"
                + " locks its subscriptions take, after which every topic on that lock times out); the Redis client was"
                + " replaced and every topic subscribed again.");
    }

    public static void subscriptionCheckFailed(String bus, Throwable failure) {
        logFailure(Level.WARNING, failure, () -> "RTK0204W: A subscription check of " + bus + " failed; the checks go on at"
                + " their interval. Logged once until a check succeeds again.");
    }

    public static void unexpected(String where, Throwable failure) {
        logFailure(Level.WARNING, failure, () -> "RTK0111W: Unexpected failure in " + where + ".");
    }
}
