package dev.realtimekit.it.errors;

import java.net.URI;
import java.net.URL;
import java.util.UUID;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.context.ContextProbeHandler;
import dev.realtimekit.it.lifecycle.AnyTokenValidator;
import dev.realtimekit.it.lifecycle.Note;
import dev.realtimekit.it.support.ChatFrames;
import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.WsClient;

/**
 * Error frames on a real Liberty: the client's optional message id comes back in the error that
 * answers its message (the sample, unchanged), and an application's {@code ErrorFrameMapper} shapes
 * them.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ErrorFramesIT {

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "sample", managed = false, testable = false)
    static WebArchive sample() {
        return Deployments.sample();
    }

    @Deployment(name = "mapped", managed = false, testable = false)
    static WebArchive mapped() {
        return Deployments.kit("mapped.war", ContextProbeHandler.class, Note.class, AnyTokenValidator.class, ProblemFrames.class);
    }

    @Test
    void theSamplesClientsGetTheirMessageIdBackWithAnErrorAndNothingElseChanges() throws Exception {
        deployer.deploy("sample");
        try {
            URL base = URI.create("http://localhost:" + System.getProperty("it.http.port") + "/chat/").toURL();
            try (WsClient alice = WsClient.connect(base, "general", UUID.randomUUID() + ":alice").ignoring(ChatFrames.NOTICES)) {
                alice.send("{\"type\":\"send\",\"room\":\"general\",\"id\":\"m-1\"}");
                alice.expect("{\"type\":\"error\",\"message\":\"Invalid message format\",\"id\":\"m-1\"}");
                alice.send("{\"type\":\"send\",\"room\":\"general\",\"id\":{\"not\":\"echoed\"}}");
                alice.expect("{\"type\":\"error\",\"message\":\"Invalid message format\"}");
                alice.send("{\"type\":\"ping\",\"id\":2}");
                alice.expect("{\"type\":\"pong\"}");
                alice.send("{\"type\":\"send\",\"room\":\"general\",\"text\":\"hi\",\"id\":3}");
                alice.expect("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"hi\"}");
            }
        } finally {
            deployer.undeploy("sample");
        }
    }

    @Test
    void anErrorFrameMapperShapesTheErrors() throws Exception {
        deployer.deploy("mapped");
        try {
            URL base = URI.create("http://localhost:" + System.getProperty("it.http.port") + "/mapped/").toURL();
            try (WsClient client = WsClient.connect(base, "room", "carol")) {
                client.send("{\"text\":[],\"id\":\"q-9\"}");
                client.expect("{\"code\":\"invalid-format\",\"detail\":\"Invalid message format\",\"ref\":\"q-9\",\"type\":\"problem\"}");
                client.send("not json");
                client.expect("{\"code\":\"invalid-format\",\"detail\":\"Invalid message format\",\"type\":\"problem\"}");
                client.sendBinary(new byte[] {1, 2, 3});
                client.expect("{\"type\":\"error\",\"message\":\"Binary messages are not supported\"}");
            }
        } finally {
            deployer.undeploy("mapped");
        }
    }
}
