package dev.realtimekit.it.state;

import java.io.IOException;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.redisson.api.RedissonClient;

import dev.realtimekit.RealtimeRedis;

/**
 * {@code GET /delivered}: this node's {@link DeliveredObserver} record, a line per event.
 * {@code GET /redis}: whether the kit's Redisson client is injectable here, and what {@code shutdown}
 * on it does ({@code refused}, and the client still answers afterwards).
 */
@WebServlet({"/delivered", "/redis"})
public class NodeStateServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient DeliveredObserver observer;

    @Inject
    @RealtimeRedis
    transient Instance<RedissonClient> redis;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        if (request.getServletPath().equals("/delivered")) {
            response.getWriter().write(String.join("\n", observer.seen()));
            return;
        }
        if (!redis.isResolvable()) {
            response.getWriter().write("unresolvable");
            return;
        }
        RedissonClient client = redis.get();
        String shutdown;
        try {
            client.shutdown();
            shutdown = "shut down";
        } catch (UnsupportedOperationException e) {
            shutdown = "refused";
        }
        response.getWriter().write("resolvable, shutdown " + shutdown + ", still answers "
                + client.getBucket("it-shared-counter:probe").isExists());
    }
}
