package dev.realtimekit.it.context;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.concurrent.ManageableThread;
import jakarta.enterprise.context.ApplicationScoped;

import dev.realtimekit.ConnectionContext;
import dev.realtimekit.MessageHandler;
import dev.realtimekit.it.lifecycle.Note;

/**
 * Answers "foreign" from a thread the container does not manage (so the kit's next call is scheduled
 * from there), and "probe" with what the handler thread can see of the application's context.
 */
@ApplicationScoped
public class ContextProbeHandler implements MessageHandler<Note, Note, String> {

    private final ExecutorService foreign = Executors.newSingleThreadExecutor(r -> new Thread(r, "foreign-thread"));

    @Override
    public CompletionStage<Optional<Note>> handleDirectMessage(Note message, ConnectionContext<String> ctx) {
        if ("foreign".equals(message.text())) {
            return CompletableFuture.supplyAsync(() -> Optional.of(new Note("done on " + Thread.currentThread().getName())),
                    foreign);
        }
        return CompletableFuture.completedFuture(Optional.of(new Note(probe())));
    }

    @Override
    public CompletionStage<Optional<Note>> handleBroadcastMessage(Note message, ConnectionContext<String> ctx) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    private static String probe() {
        String lookup;
        try {
            new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
            lookup = "lookup ok";
        } catch (NamingException | RuntimeException e) {
            lookup = "lookup failed";
        }
        boolean appLoader;
        try {
            appLoader = Class.forName(ContextProbeHandler.class.getName(), false,
                    Thread.currentThread().getContextClassLoader()) == ContextProbeHandler.class;
        } catch (ClassNotFoundException | RuntimeException e) {
            appLoader = false;
        }
        // The kit's threads come from the container's ManagedThreadFactory: managed, with the application's context.
        return lookup + ", " + (appLoader ? "app class loader" : "other class loader") + ", on "
                + (Thread.currentThread() instanceof ManageableThread ? "managed thread" : "unmanaged thread");
    }

    @PreDestroy
    void stop() {
        foreign.shutdownNow();
    }
}
