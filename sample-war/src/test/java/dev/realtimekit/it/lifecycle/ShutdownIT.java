package dev.realtimekit.it.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.testsupport.Poll;
import dev.realtimekit.it.support.WsClient;

/** Stopping the application closes every connection with 1001 and still calls onDisconnect for each. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ShutdownIT {

    private static final String NAME = "shutdown";
    private static final LifecycleEvents EVENTS = new LifecycleEvents();

    @Deployment(name = NAME, managed = false, testable = false)
    static WebArchive deployment() {
        return EVENTS.deployment("shutdown.war");
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void undeployingClosesConnectionsWith1001AndCallsOnDisconnect() throws Exception {
        deployer.deploy(NAME);
        URL base = URI.create("http://localhost:" + System.getProperty("it.http.port") + "/shutdown/").toURL();
        List<WsClient> clients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            WsClient client = WsClient.connect(base, "room", "stayer-" + i);
            client.send("{\"text\":\"hi\"}");
            client.expect("{\"text\":\"hi\"}");
            clients.add(client);
        }
        deployer.undeploy(NAME);
        for (WsClient client : clients) {
            assertEquals(1001, client.awaitCloseCode());
        }
        for (int i = 0; i < 3; i++) {
            String user = "stayer-" + i;
            Poll.until(1L, () -> EVENTS.count("disconnect", user), java.time.Duration.ofSeconds(10));
        }
    }
}
