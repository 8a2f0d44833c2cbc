package dev.realtimekit.impl.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

class HistoryReadsTest {

    private final List<Long> asked = new ArrayList<>();
    private final List<CompletableFuture<HistoryPage>> inFlight = new ArrayList<>();
    private final HistoryReads reads = new HistoryReads((topic, after) -> {
        asked.add(after);
        CompletableFuture<HistoryPage> page = new CompletableFuture<>();
        inFlight.add(page);
        return page;
    });

    @Test
    void readsAskedForMeanwhileShareTheNextReadFromTheOldestPosition() {
        CompletableFuture<HistoryPage> first = reads.read("t", 7);
        CompletableFuture<HistoryPage> second = reads.read("t", 5);
        CompletableFuture<HistoryPage> third = reads.read("t", 9);
        assertEquals(List.of(7L), asked, "one read in flight per topic");
        HistoryPage page1 = new HistoryPage("e", 10, List.of());
        inFlight.get(0).complete(page1);
        assertSame(page1, first.join());
        assertTrue(!second.isDone() && !third.isDone(), "a page read before they asked would miss what came meanwhile");
        assertEquals(List.of(7L, 5L), asked);
        HistoryPage page2 = new HistoryPage("e", 11, List.of());
        inFlight.get(1).complete(page2);
        assertSame(page2, second.join());
        assertSame(page2, third.join());
        assertEquals(2, reads.readCount());
    }

    @Test
    void otherTopicsDoNotWaitAndAFailureReachesItsCallers() {
        CompletableFuture<HistoryPage> a = reads.read("a", 1);
        reads.read("b", 1);
        assertEquals(2, asked.size());
        inFlight.get(0).completeExceptionally(new IllegalStateException("down"));
        assertTrue(a.isCompletedExceptionally());
        reads.read("a", 1);
        assertEquals(3, asked.size(), "the topic reads again after a failure");
    }
}
