package dev.realtimekit.it.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.lifecycle.AnyTokenValidator;
import dev.realtimekit.it.lifecycle.Note;
import dev.realtimekit.it.support.Deployments;

/**
 * Broken applications fail to deploy, and the server log names the problem and the classes; all
 * problems of one deployment are reported together.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DeploymentFailureIT {

    @Deployment(name = "no-handler", managed = false, testable = false)
    static WebArchive noHandler() {
        return Deployments.kit("no-handler.war", AnyTokenValidator.class);
    }

    @Deployment(name = "two-handlers", managed = false, testable = false)
    static WebArchive twoHandlers() {
        return Deployments.kit("two-handlers.war", FirstHandler.class, SecondHandler.class, AnyTokenValidator.class, Note.class);
    }

    @Deployment(name = "several-problems", managed = false, testable = false)
    static WebArchive severalProblems() {
        return Deployments.kit("several-problems.war", FirstHandler.class, IntegerTokenValidator.class,
                RequestScopedAuthorizer.class, Note.class, FirstErrorFrameMapper.class, SecondErrorFrameMapper.class);
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void noHandlerFailsTheDeployment() throws Exception {
        String log = failedDeploymentLog("no-handler");
        assertTrue(log.contains("RTK0001E: No MessageHandler bean was found"), log);
    }

    @Test
    void twoHandlersFailTheDeploymentNamingBoth() throws Exception {
        String log = failedDeploymentLog("two-handlers");
        assertTrue(log.contains("RTK0002E: More than one MessageHandler bean for the path /ws/{topic}: "
                + FirstHandler.class.getName() + ", " + SecondHandler.class.getName()), log);
    }

    @Test
    void everyProblemIsReportedAtOnce() throws Exception {
        String log = failedDeploymentLog("several-problems");
        assertTrue(log.contains("RTK0006E: TokenValidator bean " + IntegerTokenValidator.class.getName()
                + " produces user ids of type java.lang.Integer, but the MessageHandler " + FirstHandler.class.getName()
                + " expects java.lang.String."), log);
        assertTrue(log.contains("RTK0007E: Bean " + RequestScopedAuthorizer.class.getName() + " has scope @RequestScoped"), log);
        assertTrue(log.contains("RTK0005E: More than one ErrorFrameMapper bean: "), log);
        assertTrue(log.contains(FirstErrorFrameMapper.class.getName()) && log.contains(SecondErrorFrameMapper.class.getName()), log);
        // Each once, without the kit's stack; the server's own failure message names their ids.
        for (String id : List.of("RTK0006E", "RTK0007E", "RTK0005E")) {
            assertEquals(1, log.split(id + ": ", -1).length - 1, id + " logged once:\n" + log);
        }
        assertFalse(log.contains("at dev.realtimekit."), "no stack trace through the kit:\n" + log);
        assertTrue(log.contains("RTK0012E: The realtime kit cannot start this application: 3 deployment problems ("), log);
    }

    /** Deploys an archive that must fail and returns what the server logged meanwhile. */
    private String failedDeploymentLog(String name) throws IOException {
        Path log = Path.of(System.getProperty("wlp.home"), "usr", "servers", System.getProperty("it.server.name"), "logs",
                "messages.log");
        long start = log.toFile().length();
        try {
            assertThrows(Exception.class, () -> deployer.deploy(name), name + " must not deploy");
        } finally {
            try {
                deployer.undeploy(name);
            } catch (RuntimeException ignored) {
                // The failed application may or may not count as deployed; either way it is gone now.
            }
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            file.seek(start);
            byte[] added = new byte[(int) (file.length() - start)];
            file.readFully(added);
            return new String(added, StandardCharsets.UTF_8);
        }
    }
}
