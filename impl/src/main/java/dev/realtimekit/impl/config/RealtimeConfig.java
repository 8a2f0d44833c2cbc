package dev.realtimekit.impl.config;

import java.lang.reflect.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.realtimekit.impl.history.HistorySettings;

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

    /** Literal path segments (RFC 3986 pchar without percent-encoding), then the topic segment. */
    private static final Pattern VALID_PATH = Pattern.compile("(/[A-Za-z0-9._~!$&'()+,;=:@-]+)*/\\{topic\\}");

    /** The endpoint's path inside the web application; must end with the segment {@code /{topic}}. */
    @ConfigProperty(name = "path", defaultValue = DEFAULT_PATH)
    String path = DEFAULT_PATH;

    /**
     * How long a handshake's checks may take in total: the token validator, the topic authorizer and
     * the confirmation of the topic's subscription (then 503).
     */
    @ConfigProperty(name = "auth-timeout-ms", defaultValue = "10000")
    long authTimeoutMs = 10_000;

    /** Longest topic, in characters; a longer one is refused at the handshake with 400. */
    @ConfigProperty(name = "max-topic-length", defaultValue = "256")
    int maxTopicLength = 256;

    /** Largest text message a client may send, in bytes; a larger one closes the connection with 1009. */
    @ConfigProperty(name = "max-message-size", defaultValue = "65536")
    int maxMessageSize = 65_536;

    /** Messages of one connection queued or being handled; beyond that they get the error frame "Too many pending messages". */
    @ConfigProperty(name = "max-pending-messages", defaultValue = "64")
    int maxPendingMessages = 64;

    /** Frames queued for one client; a client that falls further behind is closed with 1008. */
    @ConfigProperty(name = "send-queue-capacity", defaultValue = "1024")
    int sendQueueCapacity = 1024;

    /** How long one frame may take to be written to a client before the connection is closed. */
    @ConfigProperty(name = "send-timeout-ms", defaultValue = "10000")
    long sendTimeoutMs = 10_000;

    /**
     * Bytes a client may be behind (written to it and not yet confirmed by its answer to a ping) while
     * frames are still written with cheap blocking writes; past it they are written asynchronously.
     * It must stay well below what a connection's socket takes before a write blocks (Liberty leaves
     * that to the kernel; docs/benchmarks.md, run 24), or a client that stops reading could hold a
     * writing thread. 0 writes every frame asynchronously.
     */
    @ConfigProperty(name = "send-window-bytes", defaultValue = "8192")
    int sendWindowBytes = 8_192;

    /** A connection with no traffic for this long is closed by the container; 0 keeps idle connections open. */
    @ConfigProperty(name = "idle-timeout-ms", defaultValue = "0")
    long idleTimeoutMs = 0;

    /** How long application shutdown waits for the handlers' onDisconnect calls. */
    @ConfigProperty(name = "shutdown-timeout-ms", defaultValue = "5000")
    long shutdownTimeoutMs = 5_000;

    /**
     * Time over which a drain (application stop, or the JMX operation {@code drain()}) closes the
     * connections with 1012, in randomly delayed batches, after readiness went DOWN; 0 closes them at
     * once. Application stop waits up to this plus {@code shutdown-timeout-ms}.
     */
    @ConfigProperty(name = "drain-window-ms", defaultValue = "10000")
    long drainWindowMs = 10_000;

    /**
     * Origins (e.g. {@code https://app.example.com}) whose pages may open connections, comma-separated;
     * {@code *} allows any. Absent: only the server's own origin (the Origin's host and port equal to
     * the Host header). A handshake from another origin is refused with 403.
     */
    @ConfigProperty(name = "allowed-origins")
    Optional<String> allowedOrigins;

    /** Refuse handshakes without an Origin header (403); by default non-browser clients, which send none, are let in. */
    @ConfigProperty(name = "require-origin", defaultValue = "false")
    boolean requireOrigin = false;

    /**
     * How often the kit pings each client; a client that has not answered (or sent anything) by the
     * next ping is closed with 1001 and its onDisconnect runs. 0: no pings. A connection whose socket
     * the container has not opened one interval (30 s without pings) after its handshake is dropped.
     */
    @ConfigProperty(name = "ping-interval-ms", defaultValue = "30000")
    long pingIntervalMs = 30_000;

    /**
     * Messages per second one connection may send on average; 0: no limit. Excess messages are
     * answered with the error frame "Rate limit exceeded"; refused messages count too, so a
     * connection that keeps sending too fast is closed with 1008.
     */
    @ConfigProperty(name = "rate-limit-per-second", defaultValue = "100")
    int rateLimitPerSecond = 100;

    /** Messages one connection may send at once above its rate; it is closed once it is this many messages beyond its burst. */
    @ConfigProperty(name = "rate-limit-burst", defaultValue = "200")
    int rateLimitBurst = 200;

    /** Connections one node accepts for this application; beyond it handshakes get 503 with Retry-After. 0: no limit. */
    @ConfigProperty(name = "max-connections", defaultValue = "10000")
    int maxConnections = 10_000;

    /** Connections one user (as the token validator identifies it) may hold on one node; beyond it 429. 0: no limit. */
    @ConfigProperty(name = "max-connections-per-user", defaultValue = "0")
    int maxConnectionsPerUser = 0;

    /**
     * How long a handler stage may take: then the sender gets the error frame "Handler timed out"
     * (onConnect: the connection is closed with 1011) and its next message is handled. 0: no limit.
     */
    @ConfigProperty(name = "handler-timeout-ms", defaultValue = "30000")
    long handlerTimeoutMs = 30_000;

    /**
     * Bytes of text queued for one client; a client that falls further behind is closed with 1008,
     * as for {@code send-queue-capacity}. A single frame larger than this still goes to a client that
     * is not behind.
     */
    @ConfigProperty(name = "send-queue-bytes", defaultValue = "1048576")
    long sendQueueBytes = 1_048_576;

    /**
     * Let clients follow more topics over one connection with the kit's control frames
     * {@code {"type":"subscribe","topic":"..."}} and {@code {"type":"unsubscribe","topic":"..."}}; false
     * hands such frames to the handler like any other message.
     */
    @ConfigProperty(name = "topic-frames", defaultValue = "true")
    boolean topicFrames = true;

    /** Topics one connection may follow, its path topic included; a subscribe beyond it is refused (429). */
    @ConfigProperty(name = "max-topics-per-connection", defaultValue = "16")
    int maxTopicsPerConnection = 16;

    /**
     * Topics that keep a history, comma-separated patterns in which {@code *} matches any run of
     * characters (e.g. {@code general,private-user-*}): their events are numbered, and clients that
     * reconnect with {@code since} get what they missed or are told to resync. Absent: none.
     */
    @ConfigProperty(name = "history.topics")
    Optional<String> historyTopics;

    /** Events kept per history topic, in Redis and, for the topics it has subscribers of, on each node. */
    @ConfigProperty(name = "history.size", defaultValue = "100")
    int historySize = 100;

    /** How long an event of a history topic stays recoverable. */
    @ConfigProperty(name = "history.ttl-ms", defaultValue = "300000")
    long historyTtlMs = 300_000;

    /** Redis to carry events between nodes, e.g. {@code redis://host:6379} or {@code rediss://:password@host:6380}; absent: in-JVM bus. */
    // No initializer on the optional keys: MicroProfile Config would read it as a configured value.
    @ConfigProperty(name = "redis.address")
    Optional<String> redisAddress;

    /** A Redisson YAML file for sentinel, cluster, TLS or password setups; used instead of {@code redis.address}. */
    @ConfigProperty(name = "redis.config")
    Optional<String> redisConfigFile;

    /** Prefix of every Redis channel name, so several applications can share one Redis. */
    @ConfigProperty(name = "redis.channel-prefix", defaultValue = "realtime:")
    String redisChannelPrefix = "realtime:";

    /** Use sharded pub/sub (SSUBSCRIBE/SPUBLISH, Redis 7+ cluster) so traffic scales with shards. */
    @ConfigProperty(name = "redis.sharded", defaultValue = "false")
    boolean redisSharded = false;

    /** Longest a publish may take before the sender gets "Failed to broadcast event". */
    @ConfigProperty(name = "redis.publish-timeout-ms", defaultValue = "2000")
    long redisPublishTimeoutMs = 2_000;

    /** Longest a handshake waits for Redis to confirm its topic's subscription (then 503). */
    @ConfigProperty(name = "redis.subscribe-timeout-ms", defaultValue = "5000")
    long redisSubscribeTimeoutMs = 5_000;

    /** Longest wait between two attempts to reconnect to Redis (the backoff starts at 100 ms). */
    @ConfigProperty(name = "redis.reconnect-max-delay-ms", defaultValue = "2000")
    long redisReconnectMaxDelayMs = 2_000;

    /**
     * How often each node proves that its subscriptions deliver (a probe per subscribed channel) and
     * repairs those that do not; 0 checks only after a Redis recovery.
     */
    @ConfigProperty(name = "redis.subscription-check-interval-ms", defaultValue = "30000")
    long redisSubscriptionCheckIntervalMs = 30_000;

    /** Channels per Redis subscription connection (with {@code redis.address}; Redisson's default is 5). */
    @ConfigProperty(name = "redis.subscriptions-per-connection", defaultValue = "1000")
    int redisSubscriptionsPerConnection = 1_000;

    /** Redis subscription connections per node (with {@code redis.address}); times the above = most topics per node. */
    @ConfigProperty(name = "redis.subscription-connection-pool-size", defaultValue = "50")
    int redisSubscriptionConnectionPoolSize = 50;

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

    public int sendWindowBytes() {
        return sendWindowBytes;
    }

    public long idleTimeoutMs() {
        return idleTimeoutMs;
    }

    public long shutdownTimeoutMs() {
        return shutdownTimeoutMs;
    }

    public long drainWindowMs() {
        return drainWindowMs;
    }

    /** @return the configured origins as written ({@code *}, {@code null} or origins); empty: same origin only */
    public List<String> allowedOrigins() {
        return present(allowedOrigins).map(list -> Arrays.stream(list.split(",")).map(String::trim)
                .filter(origin -> !origin.isEmpty()).toList()).orElse(List.of());
    }

    public boolean requireOrigin() {
        return requireOrigin;
    }

    public long pingIntervalMs() {
        return pingIntervalMs;
    }

    public int rateLimitPerSecond() {
        return rateLimitPerSecond;
    }

    public int rateLimitBurst() {
        return rateLimitBurst;
    }

    public int maxConnections() {
        return maxConnections;
    }

    public int maxConnectionsPerUser() {
        return maxConnectionsPerUser;
    }

    public long handlerTimeoutMs() {
        return handlerTimeoutMs;
    }

    public boolean topicFrames() {
        return topicFrames;
    }

    public int maxTopicsPerConnection() {
        return maxTopicsPerConnection;
    }

    public long sendQueueBytes() {
        return sendQueueBytes;
    }

    public Optional<String> redisAddress() {
        return present(redisAddress);
    }

    public Optional<String> redisConfigFile() {
        return present(redisConfigFile);
    }

    private static Optional<String> present(Optional<String> value) {
        return value == null ? Optional.empty() : value.filter(text -> !text.isBlank());
    }

    /** @return whether events go through Redis (an address or a Redisson file is configured) */
    public boolean redisEnabled() {
        return redisAddress().isPresent() || redisConfigFile().isPresent();
    }

    public String redisChannelPrefix() {
        return redisChannelPrefix;
    }

    public boolean redisSharded() {
        return redisSharded;
    }

    public long redisPublishTimeoutMs() {
        return redisPublishTimeoutMs;
    }

    public long redisSubscribeTimeoutMs() {
        return redisSubscribeTimeoutMs;
    }

    public long redisReconnectMaxDelayMs() {
        return redisReconnectMaxDelayMs;
    }

    public long redisSubscriptionCheckIntervalMs() {
        return redisSubscriptionCheckIntervalMs;
    }

    public int redisSubscriptionsPerConnection() {
        return redisSubscriptionsPerConnection;
    }

    public int redisSubscriptionConnectionPoolSize() {
        return redisSubscriptionConnectionPoolSize;
    }

    /** @return which topics keep a history, and how much */
    public HistorySettings history() {
        List<String> patterns = present(historyTopics).map(list -> Arrays.stream(list.split(",")).map(String::trim)
                .filter(pattern -> !pattern.isEmpty()).toList()).orElse(List.of());
        return new HistorySettings(patterns, historySize, historyTtlMs);
    }

    /**
     * A configuration from {@code realtime.*} keys and their values as text, as MicroProfile Config
     * would read them; keys not given keep their defaults. For running the kit outside a server (the
     * testing kit): the same keys, the same defaults and the same {@link #problems()}.
     *
     * @throws IllegalArgumentException for a key the kit does not have (naming the keys it has) or a
     *     value that is not of the key's type
     */
    public static RealtimeConfig of(Map<String, String> properties) {
        RealtimeConfig config = new RealtimeConfig();
        Map<String, Field> fields = new TreeMap<>();
        for (Field field : RealtimeConfig.class.getDeclaredFields()) {
            ConfigProperty property = field.getAnnotation(ConfigProperty.class);
            if (property != null) {
                fields.put("realtime." + property.name(), field);
            }
        }
        properties.forEach((key, value) -> {
            Field field = fields.get(key);
            if (field == null) {
                throw new IllegalArgumentException("No such key: " + key + "; the kit's keys are " + fields.keySet());
            }
            try {
                field.set(config, parse(field.getType(), value.trim()));
            } catch (IllegalArgumentException e) {
                String kind = field.getType() == boolean.class ? "true or false" : "a whole number";
                throw new IllegalArgumentException(key + " must be " + kind + ", not '" + value + "'", e);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        });
        return config;
    }

    private static Object parse(Class<?> type, String value) {
        if (type == long.class) {
            return Long.parseLong(value);
        }
        if (type == int.class) {
            return Integer.parseInt(value);
        }
        if (type == boolean.class) {
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw new IllegalArgumentException(value);
            }
            return Boolean.parseBoolean(value);
        }
        return type == Optional.class ? Optional.of(value) : value;
    }

    /** @return every invalid value, each described with its key; empty when the configuration is usable */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (path == null || !VALID_PATH.matcher(path).matches()) {
            problems.add("realtime.path must start with / and end with the only template segment /{topic}, not '" + path + "'");
        }
        positive(problems, "realtime.auth-timeout-ms", authTimeoutMs);
        positive(problems, "realtime.max-topic-length", maxTopicLength);
        positive(problems, "realtime.max-message-size", maxMessageSize);
        positive(problems, "realtime.max-pending-messages", maxPendingMessages);
        positive(problems, "realtime.send-queue-capacity", sendQueueCapacity);
        positive(problems, "realtime.send-timeout-ms", sendTimeoutMs);
        positive(problems, "realtime.shutdown-timeout-ms", shutdownTimeoutMs);
        positive(problems, "realtime.redis.publish-timeout-ms", redisPublishTimeoutMs);
        positive(problems, "realtime.redis.subscribe-timeout-ms", redisSubscribeTimeoutMs);
        positive(problems, "realtime.redis.reconnect-max-delay-ms", redisReconnectMaxDelayMs);
        if (redisSubscriptionCheckIntervalMs < 0) {
            problems.add("realtime.redis.subscription-check-interval-ms must be 0 or more, not " + redisSubscriptionCheckIntervalMs);
        }
        positive(problems, "realtime.redis.subscriptions-per-connection", redisSubscriptionsPerConnection);
        positive(problems, "realtime.redis.subscription-connection-pool-size", redisSubscriptionConnectionPoolSize);
        if (redisAddress().isPresent() && redisConfigFile().isPresent()) {
            problems.add("set either realtime.redis.address or realtime.redis.config, not both");
        }
        redisAddress().ifPresent(address -> {
            if (!address.startsWith("redis://") && !address.startsWith("rediss://")) {
                problems.add("realtime.redis.address must start with redis:// or rediss://");
            }
        });
        redisConfigFile().ifPresent(file -> {
            if (!Files.isReadable(Path.of(file))) {
                problems.add("realtime.redis.config names a file that cannot be read: " + file);
            }
        });
        if (sendWindowBytes < 0) {
            problems.add("realtime.send-window-bytes must be 0 or more, not " + sendWindowBytes);
        }
        notNegative(problems, "realtime.ping-interval-ms", pingIntervalMs);
        notNegative(problems, "realtime.drain-window-ms", drainWindowMs);
        notNegative(problems, "realtime.rate-limit-per-second", rateLimitPerSecond);
        positive(problems, "realtime.rate-limit-burst", rateLimitBurst);
        notNegative(problems, "realtime.max-connections", maxConnections);
        notNegative(problems, "realtime.max-connections-per-user", maxConnectionsPerUser);
        notNegative(problems, "realtime.handler-timeout-ms", handlerTimeoutMs);
        positive(problems, "realtime.send-queue-bytes", sendQueueBytes);
        positive(problems, "realtime.max-topics-per-connection", maxTopicsPerConnection);
        for (String origin : allowedOrigins()) {
            if (!origin.equals("*") && !origin.equals("null") && normalizeOrigin(origin) == null) {
                problems.add("realtime.allowed-origins holds '" + origin + "', which is not an origin such as https://app.example.com");
            }
        }
        positive(problems, "realtime.history.size", historySize);
        positive(problems, "realtime.history.ttl-ms", historyTtlMs);
        if (redisSharded && history().any()) {
            problems.add("realtime.history.topics cannot be used with realtime.redis.sharded=true (a history and its"
                    + " sharded channel may live on different shards)");
        }
        if (idleTimeoutMs < 0) {
            problems.add("realtime.idle-timeout-ms must be 0 or more, not " + idleTimeoutMs);
        }
        return problems;
    }

    /**
     * @return the origin as browsers send it ({@code scheme://host[:port]}, lower case, without the
     *     scheme's default port), or null when the text is not an http(s) origin
     */
    public static String normalizeOrigin(String origin) {
        URI uri;
        try {
            uri = new URI(origin.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) && uri.getRawQuery() == null
                && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || !bare) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    private static void notNegative(List<String> problems, String key, long value) {
        if (value < 0) {
            problems.add(key + " must be 0 or more, not " + value);
        }
    }

    private static void positive(List<String> problems, String key, long value) {
        if (value <= 0) {
            problems.add(key + " must be greater than 0, not " + value);
        }
    }
}
