package dev.realtimekit.it.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.util.Map;
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

/** The sample's handshake rules on a real Liberty: tokens (query and header) and topic access. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HandshakeIT {

    private static final UUID ALICE = UUID.randomUUID();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.sample();
    }

    @ArquillianResource
    URL base;

    @Test
    void missingTokenIs401() throws Exception {
        assertEquals(401, WsClient.refusedStatus(WsClient.uri(base, "general", null), null));
    }

    @Test
    void malformedTokenInQueryIs401() throws Exception {
        assertEquals(401, WsClient.refusedStatus(WsClient.uri(base, "general", "not-a-token"), null));
        assertEquals(401, WsClient.refusedStatus(WsClient.uri(base, "general", ALICE + ":"), null));
        assertEquals(401, WsClient.refusedStatus(WsClient.uri(base, "general", "123:alice"), null));
    }

    @Test
    void malformedTokenInHeaderIs401() throws Exception {
        URI noQuery = WsClient.uri(base, "general", null);
        assertEquals(401, WsClient.refusedStatus(noQuery, "Bearer not-a-token"));
        assertEquals(401, WsClient.refusedStatus(noQuery, "Basic " + ALICE + ":alice"));
    }

    @Test
    void validTokenInHeaderOrQueryIsAccepted() throws Exception {
        try (WsClient viaHeader = WsClient.connectWithHeader(base, "general", ALICE + ":alice").ignoring(ChatFrames.NOTICES);
                WsClient viaQuery = WsClient.connect(base, "random", ALICE + ":alice").ignoring(ChatFrames.NOTICES)) {
            viaHeader.expectNothingBeforePong();
            viaQuery.expectNothingBeforePong();
        }
    }

    @Test
    void someoneElsesPrivateTopicIs403() throws Exception {
        URI uri = WsClient.uri(base, "private-user-" + UUID.randomUUID(), ALICE + ":alice");
        assertEquals(403, WsClient.refusedStatus(uri, null));
    }

    @Test
    void ownPrivateTopicIsAccepted() throws Exception {
        try (WsClient own = WsClient.connect(base, "private-user-" + ALICE, ALICE + ":alice").ignoring(ChatFrames.NOTICES)) {
            own.expectNothingBeforePong();
        }
    }

    @Test
    void unknownTopicIs404() throws Exception {
        assertEquals(404, WsClient.refusedStatus(WsClient.uri(base, "lobby", ALICE + ":alice"), null));
        assertEquals(404, WsClient.refusedStatus(WsClient.uri(base, "private-user-nobody", ALICE + ":alice"), null));
    }

    @Test
    void tokenIsCheckedBeforeTopic() throws Exception {
        assertEquals(401, WsClient.refusedStatus(WsClient.uri(base, "lobby", "bad"), null));
    }

    @Test
    void aPageOfAnotherOriginIs403EvenWithAValidToken() throws Exception {
        URI uri = WsClient.uri(base, "general", ALICE + ":alice");
        assertEquals(403, WsClient.refusal(uri, Map.of("Origin", "http://evil.example.com")).statusCode());
        assertEquals(403, WsClient.refusal(uri, Map.of("Origin", "http://" + base.getHost() + ":" + (base.getPort() + 1))).statusCode());
        assertEquals(403, WsClient.refusal(uri, Map.of("Origin", "null")).statusCode());
        assertEquals(403, WsClient.refusal(WsClient.uri(base, "general", "bad"), Map.of("Origin", "http://evil.example.com")).statusCode(),
                "refused for its origin before its token is judged");
    }

    @Test
    void aPageOfTheServersOwnOriginAndAClientWithoutOriginAreAccepted() throws Exception {
        URI uri = WsClient.uri(base, "general", ALICE + ":alice");
        try (WsClient page = WsClient.connect(uri, Map.of("Origin", "http://" + base.getHost() + ":" + base.getPort())).ignoring(ChatFrames.NOTICES);
                WsClient tool = WsClient.connect(uri, Map.of()).ignoring(ChatFrames.NOTICES)) {
            page.expectNothingBeforePong();
            tool.expectNothingBeforePong();
        }
    }

    @Test
    void overlongTopicIs400() throws Exception {
        assertEquals(400, WsClient.refusedStatus(WsClient.uri(base, "t".repeat(257), ALICE + ":alice"), null));
    }
}
