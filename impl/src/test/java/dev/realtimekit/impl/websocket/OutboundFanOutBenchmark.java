package dev.realtimekit.impl.websocket;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import dev.realtimekit.impl.metrics.RealtimeMetrics;

/**
 * The kit's own cost per delivery on its outbound path, without a container: fan-out threads hand
 * each event to every subscriber's {@link SessionOutbound}, as the topic registry does, and the
 * sessions' blocking writes only encode the text into a buffer of their own (so that, as on a real
 * server, each write walks over memory of its own and evicts the outbounds of other sessions from the
 * cache). Clients answer every ping at once. Not a test: run it by hand, before and after a change
 * to the outbound path, on the same machine, in the same minute.
 *
 * <pre>
 * mvn -o -q test-compile -pl impl
 * mvn -o -q dependency:build-classpath -pl impl -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp impl/target/test-classes:impl/target/classes:$(cat /tmp/cp.txt) \
 *     dev.realtimekit.impl.websocket.OutboundFanOutBenchmark [sessions] [topics] [threads] [rounds]
 * </pre>
 *
 * Prints the nanoseconds per delivery of each 5-second round and their median. The figure includes
 * the fake's own write (a UTF-8 encode and a copy), which is the same for every version compared.
 */
public final class OutboundFanOutBenchmark {

    private static final long ROUND_NANOS = TimeUnit.SECONDS.toNanos(5);

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int topics = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        SessionOutbound[][] byTopic = new SessionOutbound[topics][];
        for (int t = 0; t < topics; t++) {
            byTopic[t] = new SessionOutbound[sessions / topics];
            for (int s = 0; s < byTopic[t].length; s++) {
                byTopic[t][s] = outbound();
            }
        }
        LongAdder delivered = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> fanOut = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            int first = i;
            Thread thread = new Thread(() -> {
                started.countDown();
                long event = 0;
                while (!stop.get()) {
                    // Each thread owns every threads-th topic: one topic's events are never fanned out concurrently.
                    for (int t = first; t < topics && !stop.get(); t += threads) {
                        String text = "{\"type\":\"message\",\"topic\":\"room-" + t + "\",\"seq\":" + event++
                                + ",\"payload\":\"0123456789012345678901234567890123456789012345678901234567890123\"}";
                        for (SessionOutbound out : byTopic[t]) {
                            out.offer(text);
                        }
                        delivered.add(byTopic[t].length);
                    }
                }
            }, "fan-out-" + i);
            fanOut.add(thread);
            thread.start();
        }
        started.await();
        double[] nanosPerDelivery = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long before = delivered.sum();
            long cpuBefore = cpuNanos(fanOut);
            long start = System.nanoTime();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(ROUND_NANOS));
            long count = delivered.sum() - before;
            long cpu = cpuNanos(fanOut) - cpuBefore;
            nanosPerDelivery[round] = (double) cpu / count;
            System.out.printf("round %d: %,d deliveries in %.1f s, %.0f ns of fan-out CPU per delivery%n",
                    round + 1, count, (System.nanoTime() - start) / 1e9, nanosPerDelivery[round]);
        }
        stop.set(true);
        for (Thread thread : fanOut) {
            thread.join();
        }
        // The first rounds compile: the median of the later half.
        double[] warm = Arrays.copyOfRange(nanosPerDelivery, rounds / 2, rounds);
        Arrays.sort(warm);
        System.out.printf("median of the last %d rounds: %.0f ns per delivery (%d sessions, %d topics, %d threads)%n",
                warm.length, warm[warm.length / 2], sessions, topics, threads);
    }

    private static long cpuNanos(List<Thread> threads) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread thread : threads) {
            sum += mx.getThreadCpuTime(thread.getId());
        }
        return sum;
    }

    /** An outbound over a session whose writes encode into a buffer of their own and whose client answers pings at once. */
    private static SessionOutbound outbound() {
        SessionOutbound[] self = new SessionOutbound[1];
        ByteBuffer socket = ByteBuffer.allocate(64 * 1024);
        RemoteEndpoint.Basic basic = proxy(RemoteEndpoint.Basic.class, (proxy, method, args) -> {
            if (method.getName().equals("sendText")) {
                byte[] bytes = ((String) args[0]).getBytes(StandardCharsets.UTF_8);
                if (socket.remaining() < bytes.length) {
                    socket.clear();
                }
                socket.put(bytes);
                return null;
            }
            throw new UnsupportedOperationException(method.getName());
        });
        RemoteEndpoint.Async async = proxy(RemoteEndpoint.Async.class, (proxy, method, args) -> switch (method.getName()) {
            case "setSendTimeout" -> null;
            case "sendPing" -> {
                self[0].pong(((ByteBuffer) args[0]).duplicate());
                yield null;
            }
            case "sendText" -> {
                ((SendHandler) args[1]).onResult(new SendResult());
                yield null;
            }
            default -> throw new UnsupportedOperationException(method.getName());
        });
        Session session = proxy(Session.class, (proxy, method, args) -> switch (method.getName()) {
            case "getAsyncRemote" -> async;
            case "getBasicRemote" -> basic;
            case "getId" -> "bench";
            case "isOpen" -> true;
            default -> throw new UnsupportedOperationException(method.getName());
        });
        self[0] = new SessionOutbound(session, 1024, 1 << 20, 10_000, 8192, RealtimeMetrics.NONE,
                SessionOutbound.PONG_WAIT_NANOS, Runnable::run);
        return self[0];
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
        return (T) Proxy.newProxyInstance(OutboundFanOutBenchmark.class.getClassLoader(), new Class<?>[] {type}, handler);
    }
}
