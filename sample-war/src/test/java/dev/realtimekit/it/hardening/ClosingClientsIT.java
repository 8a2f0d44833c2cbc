package dev.realtimekit.it.hardening;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.ChatFrames;
import dev.realtimekit.it.support.LibertyJvm;
import dev.realtimekit.it.support.RawWebSocket;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.Poll;

/**
 * Clients that close their socket the moment a reply arrives, while the next reply is being written:
 * found by FuzzIT (a connection left open, RTK0110W at shutdown). Two Liberty 25 faults show here.
 *
 * <p>Blocking writes: when such a client's read fails, the container calls onClose and then writes
 * its close frame on the connection's TCP write context without waiting for a blocking {@code
 * getBasicRemote().sendText} in progress there; one of the two writes then waits for ever
 * (TCPWriteRequestContextImpl.write, SimpleSync.simpleWait): the connection never finishes, its
 * onDisconnect never runs, and a Default Executor thread is lost with the application's objects. With
 * the send window and no guard: 3 to 5 of 900 clients, in each of three runs. The kit's onClose now
 * waits for its blocking write before the container goes on (SessionOutbound's gate).
 *
 * <p>Asynchronous writes, with the sample's join and leave notices in flight when these clients drop:
 * after a failed write the kit closes the session, and Liberty's own close then fails in its TCP
 * channel (FFDC "Number of bytes requested: -1", NullPointerExceptions in SocketRWChannelSelector) and
 * never reports the close: 15 to 19 of 900 connections stayed registered for good. The kit now gives
 * such a session up at the next heartbeat (RTK0117W).
 *
 * <p>Closes on the writing thread, with blocking writes: the thread handing a join notice to every
 * subscriber of the topic wrote to a client that had just closed, and closed that session itself.
 * Liberty's close waits seconds (for its read side, then for its close frame) and every other
 * publisher of the topic waited behind it: with 5,000 clients, 4 clients' onConnect returned 17 s late
 * and their pongs never came in time (one run of two; CI once 1 of 900), and the runs took 267 and
 * 333 s. The kit now closes sessions on the executor: 50 and 55 s, every pong in time.
 *
 * <p>Both paths must leave nothing behind, and no client may be kept waiting by the others.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClosingClientsIT {

    private static final int CLIENTS = 3000;

    /** The server's threads in kit code when the first client waited in vain, or null while none did. */
    private static final AtomicReference<List<String>> STALL_THREADS = new AtomicReference<>();

    @Deployment(name = "defaults", managed = false, testable = false)
    static WebArchive defaults() {
        // Heartbeats every 5 s instead of 30: a connection whose close Liberty never reports is given up
        // one heartbeat after the kit closed it (RTK0117W), within the wait below.
        return ShrinkWrap.create(WebArchive.class, "closing-defaults.war").merge(Wars.sampleWithStats("realtime.ping-interval-ms=5000\n"));
    }

    @Deployment(name = "asynchronous", managed = false, testable = false)
    static WebArchive asynchronousWritesOnly() {
        return ShrinkWrap.create(WebArchive.class, "closing-async.war")
                .merge(Wars.sampleWithStats("realtime.ping-interval-ms=5000\nrealtime.send-window-bytes=0\n"));
    }

    @ArquillianResource
    Deployer deployer;

    /** The default configuration: blocking writes while the client keeps up (the send window), the path the race hit. */
    @Test
    void clientsClosingAfterAReplyLeaveNothingBehind() throws Exception {
        closeRightAfterAReply("defaults");
    }

    /** Every frame written asynchronously ({@code realtime.send-window-bytes=0}). */
    @Test
    void withAsynchronousWritesOnlyClientsClosingAfterAReplyLeaveNothingBehind() throws Exception {
        closeRightAfterAReply("asynchronous");
    }

    private void closeRightAfterAReply(String deployment) throws Exception {
        deployer.deploy(deployment);
        STALL_THREADS.set(null);
        try {
            URL base = Wars.url("chat");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    String name = "closer-" + i;
                    clients.add(pool.submit(() -> pingTwiceAndCloseAtTheFirstPong(base, name)));
                }
                List<String> wrong = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    String answer = clients.get(i).get(60, TimeUnit.SECONDS);
                    if (!Fuzzer.PONG.equals(answer)) {
                        wrong.add("closer-" + i + ": " + answer);
                    }
                }
                if (!wrong.isEmpty()) {
                    // What the sample traced of these clients (joined: onOpen and onConnect ran), their
                    // connections' state and the server's threads in the kit say where a reply stalled.
                    fail(wrong.size() + " of " + CLIENTS + " clients got no pong: " + wrong
                            + "\nthe sample's trace of them:\n" + String.join("\n", traceOf(wrong))
                            + "\nthe kit's warnings in messages.log:\n" + String.join("\n", kitWarnings())
                            + "\nthe server's threads in the kit while the first of them waited:\n\n"
                            + String.join("\n\n", STALL_THREADS.get())
                            + "\nthe server's threads in the kit now:\n\n"
                            + String.join("\n\n", LibertyJvm.threadsMentioning("dev.realtimekit")));
                }
            } finally {
                pool.shutdownNow();
            }
            try {
                Poll.until("subscribers=0 topics=0 open=0", () -> Wars.stats(base), Duration.ofSeconds(20));
            } catch (AssertionError e) {
                fail("connections left; the server's threads writing for the kit:\n"
                        + String.join("\n\n", LibertyJvm.threadsMentioning("SessionOutbound.write")), e);
            }
        } finally {
            deployer.undeploy(deployment);
        }
    }

    /** @return the trace.log lines (the test server traces the sample's ChatHandler at FINE) naming these clients */
    private static List<String> traceOf(List<String> wrong) throws IOException {
        Path trace = Path.of(System.getProperty("wlp.home"), "usr", "servers",
                System.getProperty("it.server.name"), "logs", "trace.log");
        if (!Files.exists(trace)) {
            return List.of("(no trace.log)");
        }
        List<String> names = wrong.stream().map(line -> line.substring(0, line.indexOf(':')) + " ").toList();
        try (Stream<String> lines = Files.lines(trace, StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> names.stream().anyMatch(line::contains)).toList();
        }
    }

    /** @return the lines of messages.log with a warning or error of the kit */
    private static List<String> kitWarnings() throws IOException {
        Path log = Path.of(System.getProperty("wlp.home"), "usr", "servers",
                System.getProperty("it.server.name"), "logs", "messages.log");
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> line.matches(".*RTK\\d{4}[WE]:.*")).toList();
        }
    }

    /** @param name the client's user name, unique in the run, which the sample's trace names */
    private static String pingTwiceAndCloseAtTheFirstPong(URL base, String name) throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(WsClient.uri(base, "general", UUID.randomUUID() + ":" + name))) {
            socket.send(RawWebSocket.TEXT, Fuzzer.PING.getBytes(StandardCharsets.UTF_8));
            long deadline = System.currentTimeMillis() + WsClient.TIMEOUT.toMillis();
            while (System.currentTimeMillis() < deadline) {
                String frame = socket.nextText(50);
                // The other closers' join and leave notices may come first; this test is about the pongs.
                if (frame != null && !ChatFrames.NOTICES.test(frame)) {
                    return frame;
                }
                if (socket.ended()) {
                    return "closed by the server: " + socket.awaitEnding(0);
                }
            }
            // Before the socket closes: what the server holds for this connection, and (for the first such
            // client) what the server's threads are doing meanwhile, to say where the reply stalled.
            if (STALL_THREADS.compareAndSet(null, List.of())) {
                STALL_THREADS.set(LibertyJvm.threadsMentioning("dev.realtimekit"));
            }
            return "no frame within " + WsClient.TIMEOUT + "; the server's state of it: "
                    + WsClient.get(URI.create(base.toExternalForm() + "stats?user="
                            + URLEncoder.encode("name=" + name + "]", StandardCharsets.UTF_8))).body().strip();
        } // closed at once: the second pong may be being written
    }
}
