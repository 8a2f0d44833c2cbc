package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.realtimekit.impl.config.RealtimeConfigs;
import dev.realtimekit.testsupport.CapturingHandler;

/**
 * Redisson logs through SLF4J; with {@code slf4j-jdk14} beside it (as in the sample WAR) its lines
 * reach java.util.logging, i.e. Liberty's log, instead of SLF4J's "no providers" warning and nothing.
 */
class RedissonLoggingTest {

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void redissonsLinesReachJavaUtilLoggingWhenItCannotConnect() throws Exception {
        assertTrue(LoggerFactory.getILoggerFactory().getClass().getName().contains("JDK14"),
                "SLF4J's provider is slf4j-jdk14: " + LoggerFactory.getILoggerFactory().getClass().getName());
        CapturingHandler capture = new CapturingHandler();
        List<LogRecord> records = capture.records();
        Logger redisson = Logger.getLogger("org.redisson");
        Level level = redisson.getLevel();
        redisson.setLevel(Level.ALL);
        redisson.addHandler(capture);
        // Nothing listens on this port: Redisson's connection attempts fail, and it says so.
        RedisEventBus bus = RedisEventBus.create(RealtimeConfigs.redis("redis://127.0.0.1:" + freePort(), "logging:"));
        try {
            bus.start((topic, payload) -> {
            });
            bus.subscribe("anything");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (records.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50); // polling what Redisson logged, from its own threads
            }
            assertTrue(records.stream().anyMatch(record -> record.getLoggerName().startsWith("org.redisson")),
                    "a line of Redisson's in java.util.logging: " + records.stream().map(LogRecord::getMessage).toList());
        } finally {
            bus.close();
            redisson.removeHandler(capture);
            redisson.setLevel(level);
        }
    }
}
