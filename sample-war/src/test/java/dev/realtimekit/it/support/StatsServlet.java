package dev.realtimekit.it.support;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.realtimekit.impl.runtime.RealtimeRuntime;

/**
 * Shows the kit's bookkeeping on this node, for leak checks: {@code subscribers=N topics=N open=N}
 * (the application's topics only, as the registry counts them).
 */
@WebServlet("/stats")
public class StatsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient RealtimeRuntime runtime;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write("subscribers=" + runtime.registry().subscriberCount() + " topics="
                + runtime.registry().topicCount() + " open=" + runtime.dispatcher().openConnections());
    }
}
