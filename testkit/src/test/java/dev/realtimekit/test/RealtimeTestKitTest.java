package dev.realtimekit.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import dev.realtimekit.TopicAccess;

/** The testing kit behaves as the kit on a server does, and fails where a test must fail. */
class RealtimeTestKitTest {

    private static final Duration QUIET = Duration.ofMillis(200);

    private final List<NotesHandler> handlers = new CopyOnWriteArrayList<>();
    private RealtimeTestKit kit;

    private RealtimeTestKit.Builder<String> notes() {
        return RealtimeTestKit.builder(() -> {
            NotesHandler handler = new NotesHandler();
            handlers.add(handler);
            return handler;
        }, NameValidator::new);
    }

    @AfterEach
    void closeKit() {
        if (kit != null) {
            kit.close();
        }
    }

    private static SimulatedClient welcomed(SimulatedClient client) {
        client.expectFrame("{\"type\":\"welcome\",\"text\":\"" + client.userId() + "\"}");
        return client;
    }

    @Test
    void aDirectReplyReachesTheSenderOnlyAndABroadcastEverySubscriberOnEveryNode() {
        kit = notes().nodes(2).start();
        SimulatedClient alice = welcomed(kit.node(0).connect("room", "user:alice"));
        SimulatedClient bob = welcomed(kit.node(1).connect("room", "user:bob"));
        SimulatedClient carol = welcomed(kit.node(1).connect("elsewhere", "user:carol"));

        alice.send("{\"type\":\"ping\",\"text\":\"p1\"}");
        alice.expectFrame("{\"type\":\"pong\",\"text\":\"p1\"}");
        alice.send("{\"type\":\"note\",\"text\":\"hello\"}");
        String note = "{\"type\":\"note\",\"user\":\"alice\",\"text\":\"hello\",\"count\":1}";
        alice.expectFrame(note);
        bob.expectFrame(note);

        bob.expectNoFrame(QUIET); // no pong for bob
        carol.expectNoFrame(QUIET); // another topic
    }

    @Test
    void aClientThatDropsAndComesBackWithSinceOnAnotherNodeGetsWhatItMissedOnce() {
        kit = notes().nodes(2).config("realtime.history.topics", "room*").start();
        SimulatedClient alice = kit.node(0).connect("room", "user:alice");
        String subscribed = alice.nextFrame();
        String epoch = subscribed.replaceAll(".*\"epoch\":\"([A-Za-z0-9]+)\".*", "$1");
        assertEquals("{\"type\":\"subscribed\",\"topic\":\"room\",\"epoch\":\"" + epoch + "\",\"seq\":0}", subscribed);
        welcomed(alice);
        SimulatedClient bob = kit.node(1).connect("room", "user:bob");
        bob.nextFrame();
        welcomed(bob);

        bob.send("{\"type\":\"note\",\"text\":\"n1\"}");
        alice.expectFrame(event(epoch, 1, "{\"type\":\"note\",\"user\":\"bob\",\"text\":\"n1\",\"count\":1}"));
        alice.drop();
        bob.send("{\"type\":\"note\",\"text\":\"n2\"}");
        bob.send("{\"type\":\"note\",\"text\":\"n3\"}");
        bob.nextFrames(3);

        SimulatedClient back = kit.node(0).connect("room", "user:alice", epoch + ":1");
        back.expectFrame(event(epoch, 2, "{\"type\":\"note\",\"user\":\"bob\",\"text\":\"n2\",\"count\":2}"));
        back.expectFrame(event(epoch, 3, "{\"type\":\"note\",\"user\":\"bob\",\"text\":\"n3\",\"count\":3}"));
        back.expectFrame("{\"type\":\"recovered\",\"topic\":\"room\",\"epoch\":\"" + epoch + "\",\"seq\":3,\"replayed\":2}");
        welcomed(back);
        back.expectNoFrame(QUIET);

        SimulatedClient stale = kit.node(1).connect("room", "user:carol", "Other:3");
        stale.expectFrame("{\"type\":\"resync\",\"topic\":\"room\",\"epoch\":\"" + epoch + "\",\"seq\":3,\"reason\":\"epoch-changed\"}");
        assertEquals(400, assertThrows(HandshakeRefusedException.class,
                () -> kit.node(1).connect("room", "user:dave", "not-a-position")).status());
        SimulatedClient plain = kit.node(1).connect("elsewhere", "user:erin", epoch + ":3");
        plain.expectFrame("{\"type\":\"resync\",\"topic\":\"elsewhere\",\"reason\":\"no-history\"}");
    }

    private static String event(String epoch, long seq, String event) {
        return "{\"type\":\"event\",\"topic\":\"room\",\"epoch\":\"" + epoch + "\",\"seq\":" + seq + ",\"event\":" + event + "}";
    }

    @Test
    void aConnectionsMessagesAreAnsweredInArrivalOrderEvenWhenTheFirstIsSlow() {
        kit = notes().start();
        SimulatedClient alice = welcomed(kit.connect("room", "user:alice"));

        alice.send("{\"type\":\"ping\",\"text\":\"slow\",\"delayMs\":300}");
        alice.send("{\"type\":\"ping\",\"text\":\"fast\"}");
        alice.send("{\"type\":\"note\",\"text\":\"third\",\"delayMs\":100}");
        alice.send("{\"type\":\"ping\",\"text\":\"fourth\"}");

        alice.expectFrame("{\"type\":\"pong\",\"text\":\"slow\"}");
        alice.expectFrame("{\"type\":\"pong\",\"text\":\"fast\"}");
        alice.expectFrame("{\"type\":\"note\",\"user\":\"alice\",\"text\":\"third\",\"count\":1}");
        alice.expectFrame("{\"type\":\"pong\",\"text\":\"fourth\"}");
    }

    @Test
    void everyNodeSeesATopicsEventsInOneOrder() throws Exception {
        kit = notes().nodes(3).config("realtime.rate-limit-per-second", "0").start();
        List<SimulatedClient> listeners = new ArrayList<>();
        List<SimulatedClient> senders = new ArrayList<>();
        for (SimulatedNode node : kit.nodes()) {
            listeners.add(welcomed(node.connect("room", "user:listener-" + node.index())));
            senders.add(welcomed(node.connect("room", "user:sender-" + node.index())));
        }
        int perSender = 30;
        List<Thread> sending = new ArrayList<>();
        for (SimulatedClient sender : senders) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perSender; i++) {
                    sender.send("{\"type\":\"note\",\"text\":\"" + i + "\"}");
                }
            });
            sending.add(thread);
            thread.start();
        }
        for (Thread thread : sending) {
            thread.join();
        }
        List<String> first = texts(listeners.get(0).nextFrames(perSender * senders.size()));
        for (SimulatedClient listener : listeners.subList(1, listeners.size())) {
            assertEquals(first, texts(listener.nextFrames(perSender * senders.size())), "the same order on every node");
        }
        for (SimulatedClient sender : senders) {
            String user = sender.userId().toString();
            List<String> own = first.stream().filter(text -> text.startsWith(user + ":")).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perSender; i++) {
                expected.add(user + ":" + i);
            }
            assertEquals(expected, own, "each sender's notes in the order sent");
        }
    }

    /** @return {@code user:text} of each note frame (its per-node count left out) */
    private static List<String> texts(List<String> frames) {
        return frames.stream().map(frame -> {
            jakarta.json.JsonObject note = JsonFrames.parse(frame).asJsonObject();
            return note.getString("user") + ":" + note.getString("text");
        }).toList();
    }

    @Test
    void failuresBecomeTheDocumentedErrorFramesWithTheMessagesId() {
        kit = notes().start();
        SimulatedClient alice = welcomed(kit.connect("room", "user:alice"));

        alice.send("{\"type\":\"refuse\",\"text\":\"x\",\"id\":7}");
        alice.expectFrame("{\"type\":\"error\",\"message\":\"Refused: x\",\"id\":7}");
        alice.send("{\"type\":\"crash\",\"id\":\"c-1\"}");
        alice.expectFrame("{\"type\":\"error\",\"message\":\"Internal server error\",\"id\":\"c-1\"}");
        alice.send("not json");
        alice.expectFrame("{\"type\":\"error\",\"message\":\"Invalid message format\"}");
        alice.sendBinary();
        alice.expectFrame("{\"type\":\"error\",\"message\":\"Binary messages are not supported\"}");
        assertTrue(alice.isOpen(), "errors leave the connection open");
    }

    @Test
    void aFailedOnConnectSendsItsErrorAndClosesWith1011() {
        kit = notes().start();
        SimulatedClient doomed = kit.connect("room", "user:doomed");

        doomed.expectFrame("{\"type\":\"error\",\"message\":\"Not today\"}");
        assertEquals(1011, doomed.awaitClose().code());
    }

    @Test
    void handshakesAreRefusedWithTheServersStatuses() {
        kit = notes().topicAuthorizer(() -> (user, topic) -> CompletableFuture.completedFuture(
                topic.startsWith("secret") ? TopicAccess.FORBIDDEN : topic.startsWith("nowhere") ? TopicAccess.NOT_FOUND
                        : TopicAccess.ALLOWED))
                .config("realtime.max-connections-per-user", "1")
                .start();
        SimulatedNode node = kit.node(0);

        assertEquals(401, node.refusal("room", null));
        assertEquals(401, node.refusal("room", "not a token"));
        assertEquals(403, node.refusal("secret-room", "user:alice"));
        assertEquals(404, node.refusal("nowhere", "user:alice"));
        assertEquals(400, node.refusal(" ", "user:alice"));
        assertEquals(400, node.refusal("bell\u0007", "user:alice"));
        welcomed(node.connect("room", "user:alice"));
        assertEquals(429, node.refusal("room", "user:alice"));
        HandshakeRefusedException refused = assertThrows(HandshakeRefusedException.class, () -> node.connect("secret", "user:bob"));
        assertEquals(403, refused.status());
    }

    @Test
    void refusalFailsWhenTheHandshakeSucceeds() {
        kit = notes().start();

        assertThrows(AssertionFailedError.class, () -> kit.node(0).refusal("room", "user:alice"));
        assertEquals(0, kit.node(0).openConnections(), "the accepted connection was closed again");
    }

    @Test
    void onDisconnectRunsOnceForAClosedADroppedAndAStoppedConnection() {
        kit = notes().nodes(2).start();
        SimulatedClient alice = welcomed(kit.node(0).connect("room", "user:alice"));
        SimulatedClient bob = welcomed(kit.node(0).connect("room", "user:bob"));
        SimulatedClient carol = welcomed(kit.node(1).connect("room", "user:carol"));

        alice.close();
        bob.drop();
        bob.drop();
        assertEquals(List.of("alice", "bob"), handlers.get(0).disconnected);
        assertThrows(IllegalStateException.class, () -> alice.send("{\"type\":\"ping\"}"));

        kit.node(1).stop();
        assertEquals(new CloseStatus(1012, "Service restart"), carol.awaitClose());
        assertEquals(List.of("carol"), handlers.get(1).disconnected);
        assertEquals(503, kit.node(1).refusal("room", "user:dave"));
    }

    @Test
    void stateKeptInAHandlerFieldIsPerNodeAsOnRealServers() {
        kit = notes().nodes(2).start();
        SimulatedClient alice = welcomed(kit.node(0).connect("room", "user:alice"));
        SimulatedClient bob = welcomed(kit.node(1).connect("room", "user:bob"));

        alice.send("{\"type\":\"note\",\"text\":\"a\"}");
        alice.expectFrame("{\"type\":\"note\",\"user\":\"alice\",\"text\":\"a\",\"count\":1}");
        bob.send("{\"type\":\"note\",\"text\":\"b\"}");
        bob.nextFrame(); // alice's
        // Node 1's counter never saw node 0's note: the pitfall the README's "State across nodes" shows.
        bob.expectFrame("{\"type\":\"note\",\"user\":\"bob\",\"text\":\"b\",\"count\":1}");
    }

    @Test
    void whileTheBusIsUnavailableBroadcastsFailAndNewTopicsAreRefused() {
        kit = notes().start();
        SimulatedClient alice = welcomed(kit.connect("room", "user:alice"));

        kit.busAvailable(false);
        alice.send("{\"type\":\"note\",\"text\":\"lost\"}");
        alice.expectFrame("{\"type\":\"error\",\"message\":\"Failed to broadcast event\"}");
        assertEquals(503, kit.node(0).refusal("other-room", "user:bob"));

        kit.busAvailable(true);
        alice.send("{\"type\":\"note\",\"text\":\"back\"}");
        alice.expectFrame("{\"type\":\"note\",\"user\":\"alice\",\"text\":\"back\",\"count\":2}");
    }

    @Test
    void theBroadcasterReachesAUsersConnectionsOnEveryNode() throws Exception {
        kit = notes().nodes(2).start();
        SimulatedClient phone = welcomed(kit.node(0).connect("room", "user:alice"));
        SimulatedClient laptop = welcomed(kit.node(1).connect("other", "user:alice"));
        SimulatedClient bob = welcomed(kit.node(1).connect("room", "user:bob"));

        kit.node(1).broadcaster().sendToUser("alice", new NotesHandler.Pong("direct", "to alice")).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        phone.expectFrame("{\"type\":\"direct\",\"text\":\"to alice\"}");
        laptop.expectFrame("{\"type\":\"direct\",\"text\":\"to alice\"}");
        kit.node(0).broadcaster().publish("room", new NotesHandler.Pong("news", "to the room")).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        phone.expectFrame("{\"type\":\"news\",\"text\":\"to the room\"}");
        bob.expectFrame("{\"type\":\"news\",\"text\":\"to the room\"}");
        laptop.expectNoFrame(QUIET);
    }

    @Test
    void limitsAnswerAsOnAServer() {
        kit = notes().config("realtime.rate-limit-per-second", "1").config("realtime.rate-limit-burst", "2")
                .config("realtime.max-message-size", "64").start();
        SimulatedClient alice = welcomed(kit.connect("room", "user:alice"));

        alice.send("{\"type\":\"ping\",\"text\":\"1\"}");
        alice.send("{\"type\":\"ping\",\"text\":\"2\"}");
        alice.send("{\"type\":\"ping\",\"text\":\"3\"}");
        // The refusal is answered at once, as on a server; the accepted messages in their order.
        List<String> frames = alice.nextFrames(3);
        assertEquals(List.of("{\"type\":\"error\",\"message\":\"Rate limit exceeded\"}"),
                frames.stream().filter(frame -> frame.contains("error")).toList(), frames.toString());
        assertEquals(List.of("1", "2"), frames.stream().filter(frame -> frame.contains("pong"))
                .map(frame -> JsonFrames.parse(frame).asJsonObject().getString("text")).toList(), frames.toString());

        SimulatedClient bob = welcomed(kit.connect("room", "user:bob"));
        bob.send("{\"type\":\"ping\",\"text\":\"" + "x".repeat(64) + "\"}");
        assertEquals(new CloseStatus(1009, "Message too big"), bob.awaitClose());
        assertFalse(bob.isOpen());
    }

    @Test
    void everyNodeObservesTheEventsDeliveredOnItsTopics() throws Exception {
        List<String> observed = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        kit = notes().nodes(2)
                .onEventDelivered((node, event) -> {
                    observed.add(node.index() + ":" + event.topic());
                    both.countDown();
                })
                .start();
        SimulatedClient alice = welcomed(kit.node(0).connect("room", "user:alice"));
        SimulatedClient bob = welcomed(kit.node(1).connect("room", "user:bob"));

        alice.send("{\"type\":\"note\",\"text\":\"seen\"}");
        assertTrue(both.await(5, TimeUnit.SECONDS), "observed on both nodes: " + observed);
        assertEquals(List.of("0:room", "1:room"), observed.stream().sorted().toList());
    }

    @Test
    void expectationsFailWithBothFramesOrTheWaitAndNeverPassSilently() {
        kit = notes().timeout(Duration.ofMillis(300)).start();
        SimulatedClient alice = welcomed(kit.connect("room", "user:alice"));

        alice.send("{\"type\":\"ping\",\"text\":\"a\"}");
        AssertionFailedError different = assertThrows(AssertionFailedError.class,
                () -> alice.expectFrame("{\"type\":\"pong\",\"text\":\"b\"}"));
        assertTrue(different.isExpectedDefined() && different.isActualDefined(), different.getMessage());
        assertThrows(AssertionFailedError.class, alice::nextFrame);
        assertThrows(IllegalArgumentException.class, () -> alice.expectFrame("not json"));
        alice.send("{\"type\":\"ping\",\"text\":\"c\"}");
        assertThrows(AssertionFailedError.class, () -> alice.expectNoFrame(Duration.ofSeconds(2)));
    }

    @Test
    void aConfigurationTheKitWouldRefuseIsRefusedWithEveryProblem() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> notes().config("realtime.max-pending-messages", "0").config("realtime.redis.address", "redis://x:1").start());
        assertTrue(refused.getMessage().contains("realtime.max-pending-messages"), refused.getMessage());
        assertTrue(refused.getMessage().contains("realtime.redis.address"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> notes().config("realtime.no-such-key", "1"). start());
    }

    @Test
    void aHandlerWithoutTypeArgumentsNeedsItsMessageTypeNamed() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> RealtimeTestKit.builder(() -> (message, ctx) -> CompletableFuture.completedFuture(java.util.Optional.empty()),
                        NameValidator::new).start());
        assertTrue(refused.getMessage().contains("messageType"), refused.getMessage());

        kit = RealtimeTestKit.<String>builder(() -> (message, ctx) -> CompletableFuture.completedFuture(
                java.util.Optional.of(message)), NameValidator::new).messageType(NotesHandler.Command.class).start();
        SimulatedClient alice = kit.connect("room", "user:alice");
        alice.send("{\"type\":\"echo\"}");
        alice.expectFrame("{\"type\":\"echo\"}");
    }
}
