package dev.realtimekit.it.broadcast;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;

import dev.realtimekit.ConnectionClosed;
import dev.realtimekit.ConnectionOpened;
import dev.realtimekit.TopicSubscribed;
import dev.realtimekit.TopicUnsubscribed;

/** Records every lifecycle event it observes, synchronously and asynchronously, as {@code sync opened <user>} lines. */
@ApplicationScoped
public class LifecycleObserver {

    private final List<String> seen = new CopyOnWriteArrayList<>();

    void opened(@Observes ConnectionOpened event) {
        seen.add("sync opened " + event.userId() + " " + event.topic());
    }

    void subscribed(@Observes TopicSubscribed event) {
        seen.add("sync subscribed " + event.userId() + " " + event.topic());
    }

    void unsubscribed(@Observes TopicUnsubscribed event) {
        seen.add("sync unsubscribed " + event.userId() + " " + event.topic());
    }

    void closed(@Observes ConnectionClosed event) {
        seen.add("sync closed " + event.userId() + " " + event.topic());
    }

    void openedLater(@ObservesAsync ConnectionOpened event) {
        seen.add("async opened " + event.userId() + " " + event.topic());
    }

    void closedLater(@ObservesAsync ConnectionClosed event) {
        seen.add("async closed " + event.userId() + " " + event.topic());
    }

    /** A method, not a field: callers hold a CDI proxy. */
    public List<String> seen() {
        return List.copyOf(seen);
    }
}
