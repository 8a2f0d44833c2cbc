package dev.realtimekit.impl.bus.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.testsupport.RedisProcess;

/**
 * Base of the Redis bus tests: a redis-server of the test class's own, channels under a fresh prefix
 * for each test, and buses standing in for nodes, closed after each test.
 */
abstract class RedisBusTestBase {

    static RedisProcess redis;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();
    String prefix;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @BeforeEach
    void freshPrefix() {
        prefix = "it-" + UUID.randomUUID() + ":";
    }

    @AfterEach
    void closeNodes() throws IOException {
        nodes.forEach(Node::close);
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
    }

    /**
     * @param singleServerSettings YAML lines under {@code singleServerConfig} besides the address, each
     *     indented by two spaces
     * @return a Redisson YAML file for the test's redis-server, deleted after the test
     */
    Path redissonYaml(String singleServerSettings) throws IOException {
        Path yaml = Files.createTempFile("redisson-", ".yaml");
        files.add(yaml);
        Files.writeString(yaml, "singleServerConfig:\n  address: \"" + redis.address() + "\"\n" + singleServerSettings);
        return yaml;
    }

    /** @return a node with the test defaults (short timeouts) */
    Node node() {
        return node(RealtimeConfigs.redis(redis.address(), prefix));
    }

    /** @return a node proving its subscriptions every {@code intervalMs} (0: only when asked) */
    Node nodeCheckingEvery(long intervalMs) {
        return node(RealtimeConfigs.redisCheckingEvery(redis.address(), prefix, intervalMs));
    }

    Node node(RealtimeConfig config) {
        return node(config, RealtimeMetrics.NONE);
    }

    Node node(RealtimeConfig config, RealtimeMetrics metrics) {
        Node node = new Node(config, metrics);
        nodes.add(node);
        return node;
    }

    /**
     * Publishes numbered probes to {@code topic} through {@code publisher} until {@code subscriber}
     * receives one, or {@code within} has passed since {@code sinceNanos}; a publish that fails meanwhile
     * (the publisher is reconnecting too) is no failure.
     *
     * @return whether the subscriber received one in time
     */
    static boolean receivesAgain(Node publisher, Node subscriber, String topic, long sinceNanos, Duration within)
            throws InterruptedException {
        long deadline = sinceNanos + within.toNanos();
        for (int probe = 0; System.nanoTime() < deadline; probe++) {
            try {
                publisher.publish(topic, "probe-" + probe);
            } catch (ExecutionException stillDown) {
                // the publisher is not back yet
            } catch (Exception unexpected) {
                throw new AssertionError(unexpected);
            }
            if (subscriber.received.poll(200, TimeUnit.MILLISECONDS) != null) {
                return true;
            }
        }
        return false;
    }

    List<Node> nodes() {
        return nodes;
    }
}
