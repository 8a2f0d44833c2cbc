package dev.realtimekit.it.hardening;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.realtimekit.impl.runtime.RealtimeRuntime;

/**
 * What the clients left on this node: {@code subscribers=N topics=N open=N}, counting only the
 * application's topics, not those the kit keeps for itself (their names start with U+0000, e.g. the
 * node's direct-delivery topic, subscribed for as long as the application runs).
 */
@WebServlet("/node-stats")
public class NodeStatsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient RealtimeRuntime runtime;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var registry = runtime.registry();
        var topics = registry.topics().stream().filter(topic -> !topic.startsWith("\u0000")).toList();
        int subscribers = topics.stream().mapToInt(registry::subscriberCount).sum();
        response.setContentType("text/plain");
        response.getWriter().write("subscribers=" + subscribers + " topics=" + topics.size() + " open="
                + runtime.dispatcher().openConnections());
    }
}
