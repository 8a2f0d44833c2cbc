package dev.realtimekit.it.state;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.realtimekit.EventDelivered;

/** Records every {@link EventDelivered} of this node, and whether the observer ran with the application's context. */
@ApplicationScoped
public class DeliveredObserver {

    private final List<String> seen = new CopyOnWriteArrayList<>();

    void delivered(@Observes EventDelivered event) {
        seen.add(event.topic() + " " + event.json() + (inApplicationContext() ? "" : " (no application context)"));
    }

    List<String> seen() {
        return List.copyOf(seen);
    }

    private static boolean inApplicationContext() {
        try {
            new InitialContext().lookup("java:comp/DefaultManagedExecutorService");
            return Class.forName(DeliveredObserver.class.getName(), false, Thread.currentThread().getContextClassLoader())
                    == DeliveredObserver.class;
        } catch (NamingException | ClassNotFoundException | RuntimeException e) {
            return false;
        }
    }
}
