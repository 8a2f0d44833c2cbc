package dev.realtimekit.impl.dispatch;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.impl.bus.local.LocalEventBus;
import dev.realtimekit.impl.codec.JsonCodec;
import dev.realtimekit.impl.dispatch.TestMessages.Msg;
import dev.realtimekit.impl.dispatch.TestMessages.Said;
import dev.realtimekit.impl.registry.TopicRegistry;

/**
 * The kit's own cost per client message on its inbound path, without a container or Redis: "read
 * threads" hand text frames to the {@link Dispatcher} at a steady rate, which decodes them, calls a
 * chat-like handler (no direct reply; the broadcast returns an event) on an executor, encodes the
 * event and publishes it on the in-JVM bus, whose listener fans it out to the topic's connections
 * (outbounds that only count). Small rooms by default (2 connections per topic), so the per-message
 * work is most of it. Not a test: run it by hand, before and after a change to the inbound path, on
 * the same machine, in the same minute.
 *
 * <pre>
 * mvn -o -q test-compile -pl impl
 * mvn -o -q dependency:build-classpath -pl impl -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp impl/target/test-classes:impl/target/classes:$(cat /tmp/cp.txt) \
 *     dev.realtimekit.impl.dispatch.InboundDispatchBenchmark [connections] [topics] [msg/s] [rounds] [pool|inline]
 * </pre>
 *
 * Prints the process's CPU microseconds per message of each 5-second round and their median (the
 * read threads' pacing included, the same for every version compared), and fails when not every
 * message reached every connection of its topic. {@code inline} runs the handler on the read
 * threads instead of the executor (which the kit never does): the difference is what the hand-off
 * to the executor costs.
 */
public final class InboundDispatchBenchmark {

    private static final long ROUND_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int READ_THREADS = 2;

    public static void main(String[] args) throws Exception {
        int connections = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int topics = args.length > 1 ? Integer.parseInt(args[1]) : 250;
        double rate = args.length > 2 ? Double.parseDouble(args[2]) : 20_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        boolean inline = args.length > 4 && args[4].equals("inline");
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(2,
                task -> new Thread(task, "handler-" + threadNumber.incrementAndGet()));
        Jsonb jsonb = JsonbBuilder.create();
        LocalEventBus bus = new LocalEventBus();
        TopicRegistry registry = new TopicRegistry(bus);
        bus.start(registry);
        Dispatcher<Msg, Object, String> dispatcher = new Dispatcher<>(new ChatLikeHandler(), "ChatLikeHandler",
                Msg.class, new JsonCodec(jsonb), registry, bus, inline ? Runnable::run : executor,
                new DispatchLimits(1_000, 1_024, Long.MAX_VALUE, 0, 1, 0, 0, 0));
        LongAdder frames = new LongAdder();
        @SuppressWarnings("unchecked")
        Connection<String>[] all = new Connection[connections];
        for (int i = 0; i < connections; i++) {
            all[i] = dispatcher.open("user-" + i, "room-" + (i % topics), new CountingOutbound(frames));
            dispatcher.afterQueued(all[i]).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        String text = TestMessages.msg("say", "0123456789012345678901234567890123456789012345678901234567890123");
        int[] roomSize = new int[topics];
        for (int i = 0; i < connections; i++) {
            roomSize[i % topics]++;
        }
        LongAdder sent = new LongAdder();
        LongAdder expected = new LongAdder(); // frames due: the sender's room size per message
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] readers = new Thread[READ_THREADS];
        for (int r = 0; r < READ_THREADS; r++) {
            int first = r;
            readers[r] = new Thread(() -> {
                long start = System.nanoTime();
                double perThread = rate / READ_THREADS;
                for (long m = 0; !stop.get(); m++) {
                    long due = start + (long) (m * 1e9 / perThread);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    // Each reader owns every READ_THREADS-th connection, as a container's read thread owns its sockets.
                    int index = (int) ((m * READ_THREADS + first) % connections);
                    dispatcher.message(all[index], text);
                    sent.increment();
                    expected.add(roomSize[index % topics]);
                }
            }, "read-" + r);
            readers[r].start();
        }
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] micros = new double[rounds];
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(ROUND_NANOS)); // warm-up
        for (int round = 0; round < rounds; round++) {
            long sentBefore = sent.sum();
            long framesBefore = frames.sum();
            long cpuBefore = os.getProcessCpuTime();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(ROUND_NANOS));
            long cpu = os.getProcessCpuTime() - cpuBefore;
            long messages = sent.sum() - sentBefore;
            long delivered = frames.sum() - framesBefore;
            micros[round] = cpu / 1_000.0 / messages;
            System.out.printf("round %d: %,d messages, %,d frames (%.2f per message), %.2f us CPU per message%n",
                    round + 1, messages, delivered, (double) delivered / messages, micros[round]);
        }
        stop.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (frames.sum() < expected.sum() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        executor.shutdown();
        jsonb.close();
        Arrays.sort(micros);
        System.out.printf("median %.2f us CPU per message; %,d sent, %,d frames delivered of %,d expected%n",
                micros[rounds / 2], sent.sum(), frames.sum(), expected.sum());
        if (frames.sum() != expected.sum()) {
            throw new AssertionError("not every message reached every connection of its topic");
        }
    }

    /** As the sample's chat: no direct reply, and every message is broadcast as an event. */
    private static final class ChatLikeHandler implements MessageHandler<Msg, Object, String> {
        private static final CompletableFuture<Optional<Object>> NO_REPLY = CompletableFuture.completedFuture(Optional.empty());

        @Override
        public CompletionStage<Optional<Object>> handleDirectMessage(Msg message, ConnectionContext<String> ctx) {
            return NO_REPLY;
        }

        @Override
        public CompletionStage<Optional<Object>> handleBroadcastMessage(Msg message, ConnectionContext<String> ctx) {
            return CompletableFuture.completedFuture(Optional.of(new Said(message.text())));
        }
    }

    /** Counts the frames it is offered and keeps none. */
    private static final class CountingOutbound implements Outbound {
        private final LongAdder frames;

        CountingOutbound(LongAdder frames) {
            this.frames = frames;
        }

        @Override
        public boolean offer(String frame) {
            frames.increment();
            return true;
        }

        @Override
        public CompletionStage<Void> send(String frame) {
            frames.increment();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> close(int code, String reason) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void closed() {
        }
    }
}
