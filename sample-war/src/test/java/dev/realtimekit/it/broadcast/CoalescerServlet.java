package dev.realtimekit.it.broadcast;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.realtimekit.Coalescer;
import dev.realtimekit.CoalescerStats;

/**
 * Runs five concurrent callers of one key through the injected (kit-produced) {@link Coalescer} and
 * answers {@code runs=N results=a,b,... initiated=N coalesced=N pending=N}.
 */
@WebServlet("/coalesce")
public class CoalescerServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient Coalescer<String, String> coalescer;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<String> gate = new CompletableFuture<>();
        List<CompletionStage<String>> callers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            callers.add(coalescer.execute("room", () -> {
                runs.incrementAndGet();
                return gate.thenApply(value -> value + "-" + runs.get());
            }));
        }
        gate.complete("loaded");
        List<String> results = new ArrayList<>();
        try {
            for (CompletionStage<String> caller : callers) {
                results.add(caller.toCompletableFuture().get(5, TimeUnit.SECONDS));
            }
        } catch (Exception e) {
            response.setStatus(500);
            return;
        }
        CoalescerStats stats = coalescer.stats();
        response.setContentType("text/plain");
        response.getWriter().write("runs=" + runs.get() + " results=" + String.join(",", results) + " initiated="
                + stats.initiated() + " coalesced=" + stats.coalesced() + " pending=" + stats.pendingKeys());
    }
}
