package dev.realtimekit.it.support;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.runtime.RealtimeRuntime;

/**
 * Shows the kit's bookkeeping on this node, for leak checks: {@code subscribers=N topics=N open=N}
 * (the application's topics only, as the registry counts them); with {@code ?user=text}, the state of
 * each open connection whose user id mentions the text, for diagnosis; with {@code ?history-reads}, how
 * many history reads the node made.
 */
@WebServlet("/stats")
public class StatsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient RealtimeRuntime runtime;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        if (request.getParameter("history-reads") != null) {
            response.getWriter().write(Long.toString(runtime.registry().historyReads()));
            return;
        }
        String user = request.getParameter("user");
        if (user != null) {
            // For diagnosis: the state of the open connections whose user id mentions this text.
            PrintWriter out = response.getWriter();
            runtime.dispatcher().connections().stream().map(Connection::describe)
                    .filter(line -> line.contains(user)).forEach(out::println);
            return;
        }
        response.getWriter().write("subscribers=" + runtime.registry().subscriberCount() + " topics="
                + runtime.registry().topicCount() + " open=" + runtime.dispatcher().openConnections());
    }
}
