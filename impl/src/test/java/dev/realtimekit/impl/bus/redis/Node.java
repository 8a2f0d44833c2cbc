package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.metrics.RealtimeMetrics;

/** One simulated server node: a Redis bus and everything its listener received, in order. */
final class Node implements AutoCloseable {

    static final long TIMEOUT_S = 20;

    final RedisEventBus bus;
    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    /** Runs on the bus's thread before each delivery is recorded: a test can make the registry slow. */
    volatile Runnable beforeDelivery = () -> {
    };

    Node(RealtimeConfig config) {
        this(config, RealtimeMetrics.NONE);
    }

    Node(RealtimeConfig config, RealtimeMetrics metrics) {
        bus = RedisEventBus.create(config, metrics);
        bus.start((topic, payload) -> {
            beforeDelivery.run();
            received.add(topic + "|" + payload);
        });
    }

    void subscribe(String topic) throws Exception {
        bus.subscribe(topic).toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    void publish(String topic, String payload) throws Exception {
        bus.publish(topic, payload).toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** @return the next delivery as {@code topic|payload} */
    String next() throws InterruptedException {
        String delivery = received.poll(TIMEOUT_S, TimeUnit.SECONDS);
        assertNotNull(delivery, "nothing was delivered within " + TIMEOUT_S + " s");
        return delivery;
    }

    void expect(String topic, String payload) throws InterruptedException {
        assertEquals(topic + "|" + payload, next());
    }

    /** @return the next n deliveries */
    List<String> next(int n) throws InterruptedException {
        String[] deliveries = new String[n];
        for (int i = 0; i < n; i++) {
            deliveries[i] = next();
        }
        return List.of(deliveries);
    }

    @Override
    public void close() {
        bus.close();
    }
}
