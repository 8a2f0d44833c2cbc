package dev.realtimekit.it.hardening;

import java.net.URI;
import java.net.URL;

import org.jboss.shrinkwrap.api.spec.WebArchive;

import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.StatsServlet;
import dev.realtimekit.it.support.WsClient;

/** The hardening tests' deployments and what they read from the server. */
final class Wars {

    private Wars() {
    }

    /**
     * @param properties MicroProfile Config lines for the kit, e.g. {@code realtime.redis.address=...}
     * @return the packaged sample WAR (context root /chat) with this configuration, plus {@link StatsServlet}
     */
    static WebArchive sampleWithStats(String properties) {
        return Deployments.sample(properties).addClass(StatsServlet.class);
    }

    /** @return the base URL of a context root on the tests' server, e.g. {@code http://localhost:19080/chat/} */
    static URL url(String contextRoot) throws Exception {
        return URI.create("http://localhost:" + System.getProperty("it.http.port") + "/" + contextRoot + "/").toURL();
    }

    /** @return the answer of the deployment's {@link StatsServlet}: {@code subscribers=N topics=N open=N} */
    static String stats(URL base) throws Exception {
        return WsClient.get(URI.create(base.toExternalForm() + "stats")).body();
    }

    /** @return the Redis channels of the application's topics (not the kit's own, whose names hold U+0000) */
    static java.util.List<String> topicChannels(dev.realtimekit.testsupport.RedisProcess redis) throws Exception {
        return redis.channels("realtime:*").stream().filter(channel -> !channel.contains("realtime-kit:")).toList();
    }
}
