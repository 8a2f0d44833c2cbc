package dev.realtimekit.impl.config;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Every configuration key of the kit, with its default, read through MicroProfile Config (system
 * properties, environment variables such as {@code REALTIME_PATH}, {@code microprofile-config.properties},
 * Liberty {@code <variable>}s). Keys are kebab-case under the {@code realtime.} prefix.
 *
 * <p>A new instance holds the defaults, so unit tests can construct one directly.
 */
@Dependent
@ConfigProperties(prefix = "realtime")
public class RealtimeConfig {

    public static final String DEFAULT_PATH = "/ws/{topic}";
    public static final String TOPIC_TEMPLATE = "{topic}";

    /** The endpoint's path inside the web application; must end with the segment {@code /{topic}}. */
    @ConfigProperty(name = "path", defaultValue = DEFAULT_PATH)
    String path = DEFAULT_PATH;

    /** How long a handshake may wait for the token validator and the topic authorizer together (then 503). */
    @ConfigProperty(name = "auth-timeout-ms", defaultValue = "10000")
    long authTimeoutMs = 10_000;

    /** Longest topic, in characters; a longer one is refused at the handshake with 400. */
    @ConfigProperty(name = "max-topic-length", defaultValue = "256")
    int maxTopicLength = 256;

    /** Largest text message a client may send, in bytes; a larger one closes the connection with 1009. */
    @ConfigProperty(name = "max-message-size", defaultValue = "65536")
    int maxMessageSize = 65_536;

    /** Messages of one connection waiting to be handled; beyond that they get the error frame "Too many pending messages". */
    @ConfigProperty(name = "max-pending-messages", defaultValue = "64")
    int maxPendingMessages = 64;

    /** Frames queued for one client; a client that falls further behind is closed with 1008. */
    @ConfigProperty(name = "send-queue-capacity", defaultValue = "1024")
    int sendQueueCapacity = 1024;

    /** How long one frame may take to be written to a client before the connection is closed. */
    @ConfigProperty(name = "send-timeout-ms", defaultValue = "10000")
    long sendTimeoutMs = 10_000;

    /** A connection with no traffic for this long is closed by the container; 0 keeps idle connections open. */
    @ConfigProperty(name = "idle-timeout-ms", defaultValue = "0")
    long idleTimeoutMs = 0;

    /** How long application shutdown waits for the handlers' onDisconnect calls. */
    @ConfigProperty(name = "shutdown-timeout-ms", defaultValue = "5000")
    long shutdownTimeoutMs = 5_000;

    public String path() {
        return path;
    }

    /** @return the servlet URL pattern that covers the endpoint path, e.g. {@code /ws/*} */
    public String urlPattern() {
        return pathPrefix() + "*";
    }

    /** @return the path up to the topic segment, with its trailing slash, e.g. {@code /ws/} */
    public String pathPrefix() {
        return path.substring(0, path.length() - TOPIC_TEMPLATE.length());
    }

    public long authTimeoutMs() {
        return authTimeoutMs;
    }

    public int maxTopicLength() {
        return maxTopicLength;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    public int maxPendingMessages() {
        return maxPendingMessages;
    }

    public int sendQueueCapacity() {
        return sendQueueCapacity;
    }

    public long sendTimeoutMs() {
        return sendTimeoutMs;
    }

    public long idleTimeoutMs() {
        return idleTimeoutMs;
    }

    public long shutdownTimeoutMs() {
        return shutdownTimeoutMs;
    }

    /** @return every invalid value, each described with its key; empty when the configuration is usable */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (path == null || !path.startsWith("/") || !path.endsWith("/" + TOPIC_TEMPLATE)
                || path.indexOf('{') != path.length() - TOPIC_TEMPLATE.length()
                || path.contains("*") || path.contains("//")) {
            problems.add("realtime.path must start with / and end with the only template segment /{topic}, not '" + path + "'");
        }
        positive(problems, "realtime.auth-timeout-ms", authTimeoutMs);
        positive(problems, "realtime.max-topic-length", maxTopicLength);
        positive(problems, "realtime.max-message-size", maxMessageSize);
        positive(problems, "realtime.max-pending-messages", maxPendingMessages);
        positive(problems, "realtime.send-queue-capacity", sendQueueCapacity);
        positive(problems, "realtime.send-timeout-ms", sendTimeoutMs);
        positive(problems, "realtime.shutdown-timeout-ms", shutdownTimeoutMs);
        if (idleTimeoutMs < 0) {
            problems.add("realtime.idle-timeout-ms must be 0 or more, not " + idleTimeoutMs);
        }
        return problems;
    }

    private static void positive(List<String> problems, String key, long value) {
        if (value <= 0) {
            problems.add(key + " must be greater than 0, not " + value);
        }
    }
}
