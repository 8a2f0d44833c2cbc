package dev.realtimekit.it.history;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The HistoryGap events this node fired, one per line. */
@WebServlet("/gaps")
public class GapsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient GapObserver observer;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write(String.join("\n", observer.gaps()));
    }
}
