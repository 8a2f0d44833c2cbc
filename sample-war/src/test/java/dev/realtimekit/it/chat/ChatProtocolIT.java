package dev.realtimekit.it.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.UUID;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.ChatFrames;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.WsClient;

/** The sample chat's wire protocol, driven by real WebSocket clients against the packaged WAR. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChatProtocolIT {

    private static final String PING = "{\"type\":\"ping\"}";
    private static final String PONG = "{\"type\":\"pong\"}";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.sample();
    }

    @ArquillianResource
    URL base;

    /** A client for a test about something else than join and leave notices, which it skips. */
    private WsClient join(String topic, String name) throws Exception {
        return WsClient.connect(base, topic, UUID.randomUUID() + ":" + name).ignoring(ChatFrames.NOTICES);
    }

    /**
     * A client for a test about notices: it sees those about {@code ours} (names unique to the test),
     * not those of earlier tests' clients that may still be leaving the shared rooms.
     */
    private WsClient joinSeeing(String topic, String name, String... ours) throws Exception {
        return WsClient.connect(base, topic, UUID.randomUUID() + ":" + name).ignoring(ChatFrames.noticesExcept(ours));
    }

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aJoinAndALeaveAreAnnouncedToTheOthersInTheRoomAndNeverToTheConnectionItself() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        try (WsClient aliceClient = joinSeeing("general", alice, alice, bob, carol);
                WsClient carolClient = joinSeeing("random", carol, alice, bob, carol)) {
            WsClient bobClient = joinSeeing("general", bob, alice, bob, carol);
            try {
                // Bob's first message waits for his notice: Alice sees him join before she hears him.
                bobClient.send(ChatFrames.send("general", "hi"));
                aliceClient.expect(ChatFrames.joined("general", bob));
                aliceClient.expect(ChatFrames.message("general", bob, "hi"));
                bobClient.expect(ChatFrames.message("general", bob, "hi"));
                // Bob got neither his own notice nor one about Alice, who was there before him.
                bobClient.expectNothingBeforePong();
                carolClient.expectNothingBeforePong();
            } finally {
                bobClient.close();
            }
            aliceClient.expect(ChatFrames.left("general", bob));
            aliceClient.expectNothingBeforePong();
            carolClient.expectNothingBeforePong();
        }
    }

    @Test
    void aSecondRoomIsFollowedOverTheSameConnectionWithItsEventsWrappedAndItsNoticesToo() throws Exception {
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        try (WsClient bobClient = joinSeeing("random", bob, alice, bob, carol);
                WsClient aliceClient = joinSeeing("general", alice, alice, bob, carol)) {
            aliceClient.send("{\"type\":\"subscribe\",\"topic\":\"random\"}");
            aliceClient.expect("{\"type\":\"subscribed\",\"topic\":\"random\"}");
            // Following a room announces nothing: notices are about a connection's own room.
            bobClient.expectNothingBeforePong();
            try (WsClient carolClient = joinSeeing("random", carol, alice, bob, carol)) {
                bobClient.expect(ChatFrames.joined("random", carol));
                aliceClient.expect(ChatFrames.wrapped("random", ChatFrames.joined("random", carol)));
                carolClient.send(ChatFrames.send("random", "over here"));
                carolClient.expect(ChatFrames.message("random", carol, "over here"));
                bobClient.expect(ChatFrames.message("random", carol, "over here"));
                aliceClient.expect(ChatFrames.wrapped("random", ChatFrames.message("random", carol, "over here")));
                // The path topic's events stay bare.
                aliceClient.send(ChatFrames.send("general", "at home"));
                aliceClient.expect(ChatFrames.message("general", alice, "at home"));
                bobClient.expectNothingBeforePong();
                carolClient.expectNothingBeforePong();
            }
            bobClient.expect(ChatFrames.left("random", carol));
            aliceClient.expect(ChatFrames.wrapped("random", ChatFrames.left("random", carol)));
            aliceClient.send("{\"type\":\"unsubscribe\",\"topic\":\"random\"}");
            aliceClient.expect("{\"type\":\"unsubscribed\",\"topic\":\"random\"}");
            bobClient.expectNothingBeforePong();
        }
    }

    @Test
    void pingIsAnsweredToTheSenderOnly() throws Exception {
        try (WsClient alice = join("general", "alice"); WsClient bob = join("general", "bob")) {
            alice.send(PING);
            alice.expect(PONG);
            // Bob's first frame is the pong to his own ping: Alice's pong was not sent to him.
            bob.expectNothingBeforePong();
            alice.expectNothingBeforePong();
        }
    }

    @Test
    void anEmptyOrBlankChatLineIsBroadcastLikeAnyOther() throws Exception {
        try (WsClient alice = join("general", "alice"); WsClient bob = join("general", "bob")) {
            for (String text : new String[] {"", " "}) {
                alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"" + text + "\"}");
                String expected = "{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"" + text + "\"}";
                alice.expect(expected);
                bob.expect(expected);
            }
        }
    }

    @Test
    void sendReachesEverySubscriberOfTheTopicAndNoOther() throws Exception {
        try (WsClient alice = join("general", "alice"); WsClient bob = join("general", "bob");
                WsClient carol = join("random", "carol")) {
            alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"hello, world\"}");
            String expected = "{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"hello, world\"}";
            alice.expect(expected);
            bob.expect(expected);
            carol.expectNothingBeforePong();
            alice.expectNothingBeforePong();
            bob.expectNothingBeforePong();
        }
    }

    @Test
    void messagesOfOneSenderArriveInOrder() throws Exception {
        try (WsClient alice = join("random", "alice"); WsClient bob = join("random", "bob")) {
            for (int i = 0; i < 50; i++) {
                alice.send("{\"type\":\"send\",\"room\":\"random\",\"text\":\"" + i + "\"}");
            }
            for (int i = 0; i < 50; i++) {
                String expected = "{\"type\":\"message\",\"room\":\"random\",\"user\":\"alice\",\"text\":\"" + i + "\"}";
                alice.expect(expected);
                bob.expect(expected);
            }
        }
    }

    @Test
    void malformedJsonGetsTheErrorFrameAndTheConnectionKeepsWorking() throws Exception {
        try (WsClient alice = join("general", "alice")) {
            alice.send("this is not json");
            alice.expect("{\"type\":\"error\",\"message\":\"Invalid message format\"}");
            alice.send("{\"type\":\"dance\"}");
            alice.expect("{\"type\":\"error\",\"message\":\"Invalid message format\"}");
            alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"still here\"}");
            alice.expect("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"still here\"}");
        }
    }

    @Test
    void roomMismatchGetsAnErrorAndIsNotBroadcast() throws Exception {
        try (WsClient alice = join("general", "alice"); WsClient bob = join("random", "bob");
                WsClient carol = join("general", "carol")) {
            alice.send("{\"type\":\"send\",\"room\":\"random\",\"text\":\"sneaky\"}");
            alice.expect("{\"type\":\"error\",\"message\":\"Cannot send to room 'random' from topic 'general'\"}");
            bob.expectNothingBeforePong();
            carol.expectNothingBeforePong();
        }
    }

    @Test
    void aMessageSentRightAfterOpeningComesBackToTheSender() throws Exception {
        for (int i = 0; i < 20; i++) {
            String topic = i % 2 == 0 ? "general" : "random";
            try (WsClient fresh = join(topic, "eager" + i)) {
                fresh.send("{\"type\":\"send\",\"room\":\"" + topic + "\",\"text\":\"first\"}");
                assertEquals("{\"type\":\"message\",\"room\":\"" + topic + "\",\"user\":\"eager" + i + "\",\"text\":\"first\"}",
                        fresh.next());
            }
        }
    }

    @Test
    void theChatPageIsServedAtTheContextRoot() throws Exception {
        java.net.http.HttpResponse<String> page = WsClient.get(base.toURI());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("from './realtime-kit.js'"), "the page talks to the endpoint through the kit's client");
        assertTrue(page.body().contains("client.subscribe("), "the page follows a second room");
        assertTrue(base.getPath().equals("/chat/") || base.getPath().equals("/chat"), "context root /chat: " + base);
        java.net.http.HttpResponse<String> module = WsClient.get(base.toURI().resolve("realtime-kit.js"));
        assertEquals(200, module.statusCode(), "the kit's jar serves its browser client");
        assertTrue(module.body().contains("export class RealtimeClient"), module.body().substring(0, Math.min(200, module.body().length())));
    }

    @Test
    void binaryFramesGetAnErrorFrame() throws Exception {
        try (WsClient alice = join("general", "alice")) {
            alice.sendBinary(new byte[] {1, 2, 3});
            alice.expect("{\"type\":\"error\",\"message\":\"Binary messages are not supported\"}");
            alice.expectNothingBeforePong();
        }
    }
}
