package dev.realtimekit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What every workload shares: the counters and meter, connecting, measuring one window, waiting, writing results. */
final class Harness {

    /** After sending stops, wait at most this long for messages still on their way. */
    static final long STRAGGLER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** The servers are quiet once no frame arrived for this long ... */
    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** ... or this long has passed: an overloaded W3 step may leave a backlog that takes a while to drain. */
    private static final long SETTLE_MAX_NANOS = TimeUnit.SECONDS.toNanos(15);
    private static final long CONNECT_SETTLE_MAX_NANOS = TimeUnit.SECONDS.toNanos(120);

    final Options options;
    final Protocol protocol;
    final Counters counters = new Counters();
    final Meter meter;
    final String timestamp = Instant.now().toString();

    Harness(Options options) throws SetupException {
        this.options = options;
        this.protocol = Protocol.named(options.protocol);
        for (long pid : options.serverPids) {
            if (!Proc.exists(pid)) {
                throw new SetupException("server process " + pid + " does not exist");
            }
        }
        if (options.redisPid != null && !Proc.exists(options.redisPid)) {
            throw new SetupException("Redis process " + options.redisPid + " does not exist");
        }
        this.meter = new Meter(options.serverPids, options.redisPid);
    }

    int run() throws SetupException, InterruptedException, IOException {
        return switch (options.workload) {
            case "W1" -> new SteadyWorkload(this, "W1", 10, 100, 200).run();
            case "W2" -> new SteadyWorkload(this, "W2", 1, 2000, 20).run();
            case "W3" -> new StepWorkload(this, options.w3Topics, options.w3Subscribers).run();
            case "W4" -> new IdleWorkload(this).run();
            case "WARM" -> new JitWarmup(this).run();
            default -> throw new IllegalArgumentException(options.workload);
        };
    }

    /** Opens topics x perTopic sockets over all URLs; any failed handshake makes the run a setup failure. */
    Fleet connectAll(int topics, int perTopic) throws SetupException, InterruptedException {
        Fleet fleet = fleet(new Topics(topics), perTopic, topics * perTopic);
        System.out.printf("connecting %d sockets (%d topics x %d) to %s with the %s client ...%n", fleet.size(), topics,
                perTopic, String.join(",", options.urls), options.client);
        fleet.connect(options.urls);
        if (fleet.failed() > 0) {
            fleet.abortAll();
            throw new SetupException(fleet.failed() + " of " + fleet.size() + " handshakes failed: " + failures(fleet));
        }
        System.out.printf("connected %d sockets in %.2f s%n", fleet.connected(), fleet.connectSeconds());
        settleAfterConnecting();
        return fleet;
    }

    /** A fleet of {@code total} sockets on a new transport of the {@code --client} kind. */
    Fleet fleet(Topics topics, int perTopic, int total) {
        Transport transport = Transport.named(options.client, options.clientThreads, total);
        return new Fleet(transport, protocol, counters, topics, perTopic, total);
    }

    static String failures(Fleet fleet) {
        return fleet.failures().entrySet().stream()
                .map(e -> e.getKey() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Sends at {@code rate} for {@code seconds} from {@code startNanos}, counting into a new window, and measures it. */
    Measurement measureWindow(Pacer pacer, long startNanos, double rate, double seconds) {
        Window window = pacer.openWindow();
        long errorsBefore = counters.errors();
        Meter.Sample before = meter.sample();
        Pacer.Phase phase = pacer.run(startNanos, rate, nanos(seconds), window);
        awaitStragglers(window);
        Meter.Sample after = meter.sample();
        long errors = counters.errors() - errorsBefore;
        Measurement m = Measurement.of(rate, seconds, window, phase, errors, before, after);
        explainLoss(pacer, window);
        return m;
    }

    /**
     * For a window that lost a few deliveries: prints which messages, on which nodes, then waits for the generator
     * to settle and says which of them arrived late (after the straggler wait) and which never did.
     */
    private void explainLoss(Pacer pacer, Window window) {
        long lost = window.lost();
        if (lost <= 0 || lost > LossReport.MAX_ITEMISED) {
            return;
        }
        LossReport report = LossReport.find(pacer.fleet(), window, pacer.nextSeqs());
        System.out.printf("lost %d deliveries of %d messages:%n%s", lost, report.missing.size(), report.describe());
        settle();
        LossReport still = report.recheck(pacer.fleet());
        System.out.printf("after settling: %d of those %d messages arrived late, %d never arrived%s%n",
                report.missing.size() - still.missing.size(), report.missing.size(), still.missing.size(),
                still.missing.isEmpty() ? "" : ":\n" + still.describe());
    }

    /** Returns once every expected delivery arrived, or after {@link #STRAGGLER_WAIT_NANOS}. */
    static void awaitStragglers(Window window) {
        long deadline = System.nanoTime() + STRAGGLER_WAIT_NANOS;
        while (window.delivered.sum() < window.expected && System.nanoTime() < deadline) {
            sleepMillis(5);
        }
    }

    /**
     * Waits until what connecting caused has been delivered: the kit's sample tells everyone on a topic about each
     * joiner, so N subscribers joining one topic cause about N * N / 2 frames (two million for W2), which would
     * otherwise still be queued when the warm-up and the measured window start.
     */
    private void settleAfterConnecting() {
        long start = System.nanoTime();
        long before = counters.frames.sum();
        settle(CONNECT_SETTLE_MAX_NANOS);
        System.out.printf("settled %.1f s after connecting (%d frames arrived meanwhile)%n", (System.nanoTime() - start) / 1e9,
                counters.frames.sum() - before);
    }

    /** Waits until no frame arrives any more, so the next W3 step does not start on an earlier step's backlog. */
    void settle() {
        settle(SETTLE_MAX_NANOS);
    }

    private void settle(long maxNanos) {
        long deadline = System.nanoTime() + maxNanos;
        long frames = counters.frames.sum();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            sleepMillis(50);
            long now = counters.frames.sum();
            if (now != frames) {
                frames = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= QUIET_NANOS) {
                return;
            }
        }
    }

    /** Prints the rows and appends the JSON line to {@code --out}, creating its directories. */
    void emit(Map<String, Object> json) throws IOException {
        Path out = Path.of(options.out);
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        String line = Json.write(json);
        Files.writeString(out, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.println("appended to " + out + ":");
        System.out.println(line);
        List<String> samples = counters.samples();
        if (!samples.isEmpty()) {
            System.out.println("error samples:");
            samples.forEach(s -> System.out.println("  " + s));
        }
    }

    static long nanos(double seconds) {
        return (long) (seconds * 1e9);
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
