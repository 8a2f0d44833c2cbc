package dev.realtimekit.it.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.ChatFrames;
import dev.realtimekit.it.support.LibertyJvm;
import dev.realtimekit.it.support.RawWebSocket;
import dev.realtimekit.it.support.WsClient;
import dev.realtimekit.testsupport.Poll;

/**
 * Clients that close their socket the moment a reply arrives, while the next reply is being written:
 * found by FuzzIT (a connection left open, RTK0110W at shutdown). On Liberty 25 a blocking
 * {@code getBasicRemote().sendText} racing with that close can wait for ever
 * (TCPWriteRequestContextImpl.write, SimpleSync.simpleWait): the connection never finishes, its
 * onDisconnect never runs, and a Default Executor thread is lost for good, with the application's
 * objects. About 2 in 900 such clients; asynchronous writes only are not affected. Liberty's own
 * close-frame write after a read error (WsocConnLink.close from processReadErrorComplete) was seen
 * waiting the same way, with no kit code on the stack.
 *
 * <p>With the sample's join and leave notices many more frames are in flight when these clients drop,
 * and asynchronous writes showed a second Liberty 25 fault: after a failed write the kit closes the
 * session, and Liberty's own close then fails in its TCP channel (FFDC "Number of bytes requested: -1",
 * NullPointerExceptions in SocketRWChannelSelector) and never reports the close: 15 to 19 of 900
 * connections stayed registered for good. The kit now gives such a session up at the next heartbeat.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ClosingClientsIT {

    private static final int CLIENTS = 900;

    @Deployment(name = "defaults", managed = false, testable = false)
    static WebArchive defaults() {
        // Heartbeats every 5 s instead of 30: a connection whose close Liberty never reports is given up
        // one heartbeat after the kit closed it (RTK0117W), within the wait below.
        return ShrinkWrap.create(WebArchive.class, "closing-defaults.war").merge(Wars.sampleWithStats("realtime.ping-interval-ms=5000\n"));
    }

    @Deployment(name = "window", managed = false, testable = false)
    static WebArchive withTheSendWindow() {
        return ShrinkWrap.create(WebArchive.class, "closing-window.war").merge(Wars.sampleWithStats("realtime.send-window-bytes=8192\n"));
    }

    @ArquillianResource
    Deployer deployer;

    /** The default configuration: every frame written asynchronously. */
    @Test
    void clientsClosingAfterAReplyLeaveNothingBehind() throws Exception {
        closeRightAfterAReply("defaults");
    }

    /**
     * The reproduction of the Liberty 25 defect behind the opt-in send window: kept, not run. With
     * blocking writes, a sendText racing with the client's close waited for ever in Liberty's sync
     * TCP write for about 2 of 900 clients; interrupting it freed the thread but a client then got a
     * corrupted frame ('type":"pong"}'). The kit gives such a connection up after the send timeout.
     */
    @Disabled("Liberty 25 defect with realtime.send-window-bytes > 0 (opt-in): a blocking write racing with the "
            + "client's close can wait for ever; see the README's configuration table")
    @Test
    void withTheSendWindowClientsClosingAfterAReplyLeaveNothingBehind() throws Exception {
        closeRightAfterAReply("window");
    }

    private void closeRightAfterAReply(String deployment) throws Exception {
        deployer.deploy(deployment);
        try {
            URL base = Wars.url("chat");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> clients = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    clients.add(pool.submit(() -> pingTwiceAndCloseAtTheFirstPong(base)));
                }
                for (Future<String> client : clients) {
                    assertEquals(Fuzzer.PONG, client.get(60, TimeUnit.SECONDS));
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

    /** @return the first frame that is no join or leave notice, which must be the pong to the first ping */
    private static String pingTwiceAndCloseAtTheFirstPong(URL base) throws Exception {
        try (RawWebSocket socket = RawWebSocket.connect(WsClient.uri(base, "general", UUID.randomUUID() + ":closer"))) {
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
            return "no frame within " + WsClient.TIMEOUT;
        } // closed at once: the second pong may be being written
    }
}
