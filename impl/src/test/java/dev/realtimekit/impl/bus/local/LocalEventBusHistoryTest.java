package dev.realtimekit.impl.bus.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.history.HistoryPage;
import dev.realtimekit.impl.history.HistorySettings;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.impl.registry.History;
import dev.realtimekit.impl.registry.TopicRegistry;

/** The in-JVM bus's history: numbers in delivery order under concurrent publishers, bounded, readable. */
class LocalEventBusHistoryTest {

    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final LocalEventBus bus = new LocalEventBus(new HistorySettings(List.of("room"), 50, 60_000));
    private final TopicRegistry registry = new TopicRegistry(bus, RealtimeMetrics.NONE, null,
            new History(new HistorySettings(List.of("room"), 50, 60_000), bus::readHistory, threads, 10_000, gap -> {
            }));

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void concurrentPublishersGetNumbersInTheOrderSubscribersReceiveThem() throws Exception {
        bus.start(registry);
        List<String> frames = new CopyOnWriteArrayList<>();
        CountDownLatch positioned = new CountDownLatch(1);
        registry.add(new TopicRegistry.Subscriber() {
            @Override
            public String topic() {
                return "room";
            }

            @Override
            public String id() {
                return "recorder";
            }

            @Override
            public void deliver(String frame) {
                frames.add(frame);
                positioned.countDown();
            }
        });
        assertTrue(positioned.await(10, TimeUnit.SECONDS), "the subscribed frame");
        List<Future<?>> publishers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int publisher = p;
            publishers.add(threads.submit(() -> {
                for (int i = 0; i < 500; i++) {
                    bus.publish("room", "{\"p\":" + publisher + ",\"i\":" + i + "}");
                }
            }));
        }
        for (Future<?> publisher : publishers) {
            publisher.get(30, TimeUnit.SECONDS);
        }
        assertEquals(2001, frames.size());
        assertTrue(frames.get(0).startsWith("{\"type\":\"subscribed\",\"topic\":\"room\""), frames.get(0));
        for (int n = 1; n <= 2000; n++) {
            Matcher seq = SEQ.matcher(frames.get(n));
            assertTrue(seq.find(), frames.get(n));
            assertEquals(n, Long.parseLong(seq.group(1)), "delivered in number order");
        }
        HistoryPage page = bus.readHistory("room", 0).toCompletableFuture().get();
        assertEquals(2000, page.last());
        assertEquals(50, page.entries().size(), "bounded by the size");
        assertEquals(1951, page.entries().get(0).seq());
        assertTrue(bus.readHistory("lobby", 0).toCompletableFuture().isCompletedExceptionally(), "no history for other topics");
    }
}
