package dev.realtimekit.impl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RealtimeConfigTest {

    @Test
    void defaultsHaveNoProblems() {
        RealtimeConfig config = new RealtimeConfig();

        assertEquals(List.of(), config.problems());
        assertEquals("/ws/{topic}", config.path());
        assertEquals("/ws/*", config.urlPattern());
    }

    @ParameterizedTest
    @CsvSource({
        "/ws/{topic},       /ws/,       /ws/*",
        "/api/live/{topic}, /api/live/, /api/live/*",
        "/{topic},          /,          /*"
    })
    void validPathsGiveTheirPrefixAndUrlPattern(String path, String prefix, String urlPattern) {
        RealtimeConfig config = withPath(path);

        assertEquals(List.of(), config.problems());
        assertEquals(prefix, config.pathPrefix());
        assertEquals(urlPattern, config.urlPattern());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ws", "ws/{topic}", "/ws/{topic}/x", "/a/{b}/{topic}", "/ws/*/{topic}", "/ws//{topic}",
        "/ws/x{topic}", "", "{topic}"})
    void aBadPathIsAProblemNamingTheKey(String path) {
        assertSingleProblemNaming("realtime.path", withPath(path));
    }

    @Test
    void aMissingPathIsAProblemNamingTheKey() {
        assertSingleProblemNaming("realtime.path", withPath(null));
    }

    static Stream<Arguments> positiveSettings() {
        return Stream.of(
                setting("realtime.auth-timeout-ms", (c, v) -> c.authTimeoutMs = v),
                setting("realtime.max-topic-length", (c, v) -> c.maxTopicLength = v.intValue()),
                setting("realtime.max-message-size", (c, v) -> c.maxMessageSize = v.intValue()),
                setting("realtime.max-pending-messages", (c, v) -> c.maxPendingMessages = v.intValue()),
                setting("realtime.send-queue-capacity", (c, v) -> c.sendQueueCapacity = v.intValue()),
                setting("realtime.send-timeout-ms", (c, v) -> c.sendTimeoutMs = v),
                setting("realtime.shutdown-timeout-ms", (c, v) -> c.shutdownTimeoutMs = v));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("positiveSettings")
    void aNonPositiveNumberIsAProblemNamingTheKey(String key, Setter setter) {
        for (long value : new long[] {0, -1}) {
            RealtimeConfig config = new RealtimeConfig();
            setter.set(config, value);
            assertSingleProblemNaming(key, config);
        }
        RealtimeConfig one = new RealtimeConfig();
        setter.set(one, 1L);
        assertEquals(List.of(), one.problems(), "1 is allowed");
    }

    @Test
    void idleTimeoutMayBeZeroButNotNegative() {
        RealtimeConfig config = new RealtimeConfig();
        config.idleTimeoutMs = 0;
        assertEquals(List.of(), config.problems());

        config.idleTimeoutMs = -1;
        assertSingleProblemNaming("realtime.idle-timeout-ms", config);
    }

    @Test
    void limitsThatMayBeOffAcceptZeroButNotLess() {
        RealtimeConfig config = new RealtimeConfig();
        config.pingIntervalMs = 0;
        config.rateLimitPerSecond = 0;
        config.maxConnections = 0;
        config.maxConnectionsPerUser = 0;
        config.handlerTimeoutMs = 0;
        assertEquals(List.of(), config.problems());

        config.handlerTimeoutMs = -1;
        assertSingleProblemNaming("realtime.handler-timeout-ms", config);
    }

    @Test
    void allowedOriginsMustBeOriginsStarOrNull() {
        assertEquals(List.of(), RealtimeConfigs.origins("https://a.example.com, http://localhost:3000,*,null", false).problems());
        assertSingleProblemNaming("realtime.allowed-origins", RealtimeConfigs.origins("https://a.example.com/path", false));
        assertEquals(List.of("https://a.example.com", "*"), RealtimeConfigs.origins(" https://a.example.com ,, * ", false)
                .allowedOrigins());
        assertEquals("https://a.example.com", RealtimeConfig.normalizeOrigin("HTTPS://A.example.com:443"));
        assertEquals("http://a.example.com:8080", RealtimeConfig.normalizeOrigin("http://a.example.com:8080"));
        assertEquals(null, RealtimeConfig.normalizeOrigin("ftp://a.example.com"));
    }

    @Test
    void everyProblemIsReported() {
        RealtimeConfig config = withPath("/ws");
        config.maxPendingMessages = 0;
        config.sendQueueCapacity = -5;

        List<String> problems = config.problems();

        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("realtime.path"));
        assertTrue(problems.stream().anyMatch(p -> p.contains("realtime.max-pending-messages")));
        assertTrue(problems.stream().anyMatch(p -> p.contains("realtime.send-queue-capacity")));
    }

    private static RealtimeConfig withPath(String path) {
        RealtimeConfig config = new RealtimeConfig();
        config.path = path;
        return config;
    }

    private static void assertSingleProblemNaming(String key, RealtimeConfig config) {
        List<String> problems = config.problems();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains(key), problems.get(0));
    }

    @FunctionalInterface
    interface Setter {
        void set(RealtimeConfig config, Long value);
    }

    private static Arguments setting(String key, Setter setter) {
        return Arguments.of(key, setter);
    }

    @Test
    void ofReadsKeysAsMicroProfileConfigWouldAndKeepsTheOtherDefaults() {
        RealtimeConfig config = RealtimeConfig.of(java.util.Map.of("realtime.rate-limit-per-second", "0",
                "realtime.path", "/live/{topic}", "realtime.topic-frames", "false",
                "realtime.send-queue-bytes", "2048", "realtime.redis.address", "redis://127.0.0.1:7000"));

        assertEquals(0, config.rateLimitPerSecond());
        assertEquals("/live/{topic}", config.path());
        assertEquals(false, config.topicFrames());
        assertEquals(2048, config.sendQueueBytes());
        assertEquals(java.util.Optional.of("redis://127.0.0.1:7000"), config.redisAddress());
        assertEquals(new RealtimeConfig().maxPendingMessages(), config.maxPendingMessages(), "untouched keys keep their defaults");
    }

    @Test
    void ofRefusesUnknownKeysAndValuesOfTheWrongType() {
        IllegalArgumentException unknown = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RealtimeConfig.of(java.util.Map.of("realtime.rate-limit", "5")));
        assertTrue(unknown.getMessage().contains("realtime.rate-limit-per-second"), unknown.getMessage());
        IllegalArgumentException number = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RealtimeConfig.of(java.util.Map.of("realtime.max-connections", "many")));
        assertTrue(number.getMessage().contains("realtime.max-connections"), number.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RealtimeConfig.of(java.util.Map.of("realtime.topic-frames", "yes")));
    }
}
