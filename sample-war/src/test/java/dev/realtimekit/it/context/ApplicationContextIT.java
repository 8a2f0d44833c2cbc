package dev.realtimekit.it.context;

import java.net.URL;

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
import dev.realtimekit.it.support.WsClient;

/**
 * Handler code always runs on the kit's managed threads (from the container's ManagedThreadFactory)
 * with the application's context (java:comp, class loader), also when the previous stage completed on
 * a thread the container knows nothing about.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApplicationContextIT {

    private static final String IN_CONTEXT = "{\"text\":\"lookup ok, app class loader, on managed thread\"}";

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.kit("context.war", ContextProbeHandler.class, AnyTokenValidator.class, Note.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void handlerRunsInTheApplicationContextAfterAForeignCompletion() throws Exception {
        try (WsClient client = WsClient.connect(base, "room", "prober")) {
            client.send("{\"text\":\"probe\"}");
            client.expect(IN_CONTEXT);
            // The second probe waits in the connection's queue until the foreign stage completes, so
            // the kit schedules it from the foreign thread.
            for (int i = 0; i < 5; i++) {
                client.send("{\"text\":\"foreign\"}");
                client.send("{\"text\":\"probe\"}");
                client.expect("{\"text\":\"done on foreign-thread\"}");
                client.expect(IN_CONTEXT);
            }
        }
    }
}
