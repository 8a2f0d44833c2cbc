package dev.realtimekit.it.lifecycle;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.realtimekit.impl.registry.BusMessages;
import dev.realtimekit.impl.runtime.RealtimeRuntime;

/** Shows the kit's bookkeeping on this node, for leak checks: {@code subscribers=N topics=N open=N}. */
@WebServlet("/stats")
public class StatsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient RealtimeRuntime runtime;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        // The kit's own topic for frames addressed to users and connections is always subscribed: not counted.
        int internal = runtime.registry().subscriberCount(BusMessages.DIRECT_TOPIC);
        response.getWriter().write("subscribers=" + (runtime.registry().subscriberCount() - internal) + " topics="
                + (runtime.registry().topicCount() - (internal > 0 ? 1 : 0)) + " open=" + runtime.dispatcher().openConnections());
    }
}
