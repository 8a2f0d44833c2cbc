package dev.realtimekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.realtimekit.test.RealtimeTestKit;
import dev.realtimekit.test.SimulatedClient;

/**
 * The sample's chat protocol, tested with the testing kit on two simulated nodes: no server, no
 * Redis, the kit's own dispatch. (The same protocol on a real Liberty and Redis: {@code ChatIT},
 * {@code ClusterIT}.)
 */
class ChatHandlerTest {

    private static final String ALICE_ID = "3f1e9c1a-2b4d-4e5f-8a6b-7c8d9e0f1a2b";
    private static final String ALICE = ALICE_ID + ":alice";
    private static final String BOB = "8a6b7c8d-2b4d-4e5f-8a6b-7c8d9e0f1a2b:bob";
    private static final Duration QUIET = Duration.ofMillis(200);

    private RealtimeTestKit kit;

    @BeforeEach
    void startTwoNodes() {
        kit = RealtimeTestKit.builder(ChatHandler::new, ChatTokenValidator::new)
                .topicAuthorizer(ChatTopicAuthorizer::new)
                .nodes(2)
                .start();
    }

    @AfterEach
    void stopNodes() {
        kit.close();
    }

    @Test
    void aChatLineReachesEveryoneInTheRoomOnEveryNodeTheSenderIncluded() {
        SimulatedClient alice = kit.node(0).connect("general", ALICE);
        SimulatedClient bob = kit.node(1).connect("general", BOB);
        alice.expectFrame("{\"type\":\"joined\",\"room\":\"general\",\"user\":\"bob\"}");

        alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"hello\"}");
        bob.expectFrame("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"hello\"}");
        alice.expectFrame("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"hello\"}");

        alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"\"}"); // an empty line is a chat line
        bob.expectFrame("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"\"}");
    }

    @Test
    void joinAndLeaveNoticesGoToTheOthersOnly() {
        SimulatedClient alice = kit.node(0).connect("general", ALICE);
        SimulatedClient bob = kit.node(1).connect("general", BOB);

        alice.expectFrame("{\"type\":\"joined\",\"room\":\"general\",\"user\":\"bob\"}");
        bob.expectNoFrame(QUIET);
        bob.close();
        alice.expectFrame("{\"type\":\"left\",\"room\":\"general\",\"user\":\"bob\"}");
    }

    @Test
    void aPingIsAnsweredToItsSenderOnly() {
        SimulatedClient alice = kit.node(0).connect("random", ALICE);
        SimulatedClient bob = kit.node(0).connect("random", BOB);
        alice.expectFrame("{\"type\":\"joined\",\"room\":\"random\",\"user\":\"bob\"}");

        bob.send("{\"type\":\"ping\"}");
        bob.expectFrame("{\"type\":\"pong\"}");
        alice.expectNoFrame(QUIET);
    }

    @Test
    void aLineForAnotherRoomOrWithoutTextIsAnErrorForTheSenderAlone() {
        SimulatedClient alice = kit.node(0).connect("general", ALICE);
        SimulatedClient bob = kit.node(1).connect("general", BOB);
        alice.expectFrame("{\"type\":\"joined\",\"room\":\"general\",\"user\":\"bob\"}");

        alice.send("{\"type\":\"send\",\"room\":\"random\",\"text\":\"hi\",\"id\":1}");
        alice.expectFrame("{\"type\":\"error\",\"message\":\"Cannot send to room 'random' from topic 'general'\",\"id\":1}");
        alice.send("{\"type\":\"send\",\"room\":\"general\"}");
        alice.expectFrame("{\"type\":\"error\",\"message\":\"Invalid message format\"}");
        alice.send("{\"type\":\"shout\"}");
        alice.expectFrame("{\"type\":\"error\",\"message\":\"Invalid message format\"}");
        bob.expectNoFrame(QUIET);
    }

    @Test
    void roomsAreOpenAndPrivateTopicsBelongToTheirUser() {
        assertEquals(401, kit.node(0).refusal("general", "not-a-uuid:alice"));
        assertEquals(401, kit.node(0).refusal("general", null));
        assertEquals(403, kit.node(0).refusal("private-user-" + ALICE_ID, BOB));
        assertEquals(404, kit.node(0).refusal("private-user-nobody", BOB));
        assertEquals(404, kit.node(0).refusal("lobby", ALICE));

        SimulatedClient own = kit.node(1).connect("private-user-" + UUID.fromString(ALICE_ID), ALICE);
        own.send("{\"type\":\"ping\"}");
        own.expectFrame("{\"type\":\"pong\"}");
    }
}
