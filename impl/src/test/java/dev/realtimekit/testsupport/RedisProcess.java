package dev.realtimekit.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} process of a test's own, on a free port, persisting nothing. It can be
 * killed and started again on the same port to simulate an outage.
 */
public final class RedisProcess implements AutoCloseable {

    private static final Duration READY = Duration.ofSeconds(20);

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private RedisProcess(int port, List<String> extraArgs) throws IOException {
        this.port = port;
        this.extraArgs = extraArgs;
        this.dir = Files.createTempDirectory("redis-" + port + "-");
    }

    /** Starts a standalone Redis on a free port. */
    public static RedisProcess start() throws Exception {
        return start(List.of());
    }

    /** Starts Redis on a free port with extra command-line arguments (e.g. cluster mode). */
    public static RedisProcess start(List<String> extraArgs) throws Exception {
        RedisProcess redis = new RedisProcess(freePort(), extraArgs);
        redis.start0();
        return redis;
    }

    public int port() {
        return port;
    }

    /** @return {@code redis://127.0.0.1:<port>} */
    public String address() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server at once (SIGKILL), as a crash would, and waits until it is gone. */
    public synchronized void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not die");
            }
            process = null;
        }
    }

    /**
     * Stops the server (SIGSTOP) without closing its connections, as a stalled Redis (a long command,
     * a fork, a paused VM) looks to clients: commands are accepted by the kernel and answered later.
     */
    public synchronized void freeze() throws Exception {
        signal("-STOP");
    }

    /** Lets a {@link #freeze() frozen} server run again (SIGCONT); it then answers everything queued. */
    public synchronized void thaw() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        if (process == null) {
            throw new IllegalStateException("redis-server on port " + port + " is not running");
        }
        Processes.run(List.of("kill", signal, String.valueOf(process.pid())), java.util.Map.of(), Duration.ofSeconds(10));
    }

    /** Starts the server again on the same port after {@link #kill()}. */
    public synchronized void restart() throws Exception {
        if (process != null) {
            throw new IllegalStateException("redis-server on port " + port + " is running");
        }
        start0();
    }

    /** Runs redis-cli against this server; returns its output, trimmed. */
    public String cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(RedisBinaries.cli().toString(), "-h", "127.0.0.1", "-p",
                String.valueOf(port)));
        command.addAll(List.of(args));
        return run(command, Duration.ofSeconds(30));
    }

    /** @return the number of subscribers of a channel, from {@code PUBSUB NUMSUB} */
    public long numsub(String channel) throws Exception {
        String[] lines = cli("PUBSUB", "NUMSUB", channel).split("\n");
        return Long.parseLong(lines[lines.length - 1].trim());
    }

    /** @return the channels with subscribers matching the pattern, from {@code PUBSUB CHANNELS} */
    public List<String> channels(String pattern) throws Exception {
        String out = cli("PUBSUB", "CHANNELS", pattern);
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }

    @Override
    public void close() throws IOException {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    private void start0() throws Exception {
        List<String> command = new ArrayList<>(List.of(RedisBinaries.server().toString(),
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", dir.toString(), "--protected-mode", "no"));
        command.addAll(extraArgs);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + READY.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server on port " + port + " exited: "
                        + Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8));
            }
            try {
                if ("PONG".equals(cli("PING"))) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // redis-cli could not connect yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server on port " + port + " did not answer PING within " + READY);
            }
            Thread.sleep(50); // poll interval while the server starts
        }
    }

    static String run(List<String> command, Duration timeout) throws Exception {
        String text = Processes.run(command, java.util.Map.of(), timeout);
        if (text.startsWith("Could not connect")) {
            throw new IllegalStateException(command + " failed: " + text);
        }
        return text;
    }

    /** @return a TCP port free right now, whose cluster bus port (port + 10000) is free too */
    public static int freePort() throws IOException {
        return Ports.freeWithCompanion(10000);
    }
}
