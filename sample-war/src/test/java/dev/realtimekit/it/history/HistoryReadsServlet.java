package dev.realtimekit.it.history;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.realtimekit.impl.runtime.RealtimeRuntime;

/** How many history reads this node made so far, as a number. */
@WebServlet("/history-reads")
public class HistoryReadsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient RealtimeRuntime runtime;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write(Long.toString(runtime.registry().historyReads()));
    }
}
