package dev.realtimekit.it.limits;

import java.io.IOException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.realtimekit.impl.runtime.RealtimeRuntime;

/** {@code open=N subscribers=N connects=N disconnects=N}: the kit's bookkeeping and the handler's lifecycle counts. */
@WebServlet("/limits-stats")
public class LimitsStatsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient RealtimeRuntime runtime;

    @Inject
    transient LimitsHandler handler;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write("open=" + runtime.dispatcher().openConnections() + " subscribers="
                + runtime.registry().subscriberCount() + " connects=" + handler.connects() + " disconnects="
                + handler.disconnects());
    }
}
