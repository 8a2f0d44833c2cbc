package dev.realtimekit.it.broadcast;

import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.realtimekit.Broadcaster;

/**
 * Publishes through the injected {@link Broadcaster}, as an application's REST resource would:
 * {@code POST /push?to=topic|topic-excluding|user|connection&target=...&text=...[&excluding=id]};
 * answers 202 once the stage completed, 500 when it failed.
 */
@WebServlet("/push")
public class PushServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient Broadcaster broadcaster;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String target = request.getParameter("target");
        Note note = new Note("pushed", request.getParameter("text"));
        CompletionStage<Void> stage = switch (request.getParameter("to")) {
            case "topic" -> broadcaster.publish(target, note);
            case "topic-excluding" -> broadcaster.publish(target, note, request.getParameter("excluding"));
            case "user" -> broadcaster.sendToUser(target, note);
            case "connection" -> broadcaster.sendToConnection(target, note);
            default -> throw new IllegalArgumentException("to");
        };
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
            response.setStatus(202);
        } catch (ExecutionException | TimeoutException e) {
            response.setStatus(500);
            response.getWriter().write(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.setStatus(503);
        }
    }
}
