package dev.realtimekit.it.history;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.realtimekit.HistoryGap;

/** Records the HistoryGap events this node fired, as {@code topic reason filled events}. */
@ApplicationScoped
public class GapObserver {

    private final List<String> gaps = new CopyOnWriteArrayList<>();

    void onGap(@Observes HistoryGap gap) {
        gaps.add(gap.topic() + " " + gap.reason() + " " + gap.filled() + " " + gap.events());
    }

    public List<String> gaps() {
        return List.copyOf(gaps);
    }
}
