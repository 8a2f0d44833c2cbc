package dev.realtimekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;

class RateSearchTest {

    /** Runs a search against a server that passes exactly the rates the predicate accepts; returns the rates tried. */
    private static List<Double> run(RateSearch search, DoublePredicate passes) {
        List<Double> tried = new ArrayList<>();
        for (double rate = search.next(); !Double.isNaN(rate); rate = search.next()) {
            tried.add(rate);
            search.report(passes.test(rate));
        }
        return tried;
    }

    @Test
    void growsThenBisects() {
        RateSearch search = new RateSearch(200, 1.5, 3, 0);
        List<Double> tried = run(search, rate -> rate <= 500);
        // 200, 300, 450 pass, 675 fails; bisect: 562.5 fails, 506.25 fails, 478.125 passes
        assertEquals(List.of(200.0, 300.0, 450.0, 675.0, 562.5, 506.25, 478.125), tried);
        assertEquals(478.125, search.best());
    }

    @Test
    void bisectsUpwardsAfterAPass() {
        RateSearch search = new RateSearch(100, 2, 2, 0);
        List<Double> tried = run(search, rate -> rate <= 160);
        // 100 pass, 200 fail; 150 pass; 175 fail
        assertEquals(List.of(100.0, 200.0, 150.0, 175.0), tried);
        assertEquals(150.0, search.best());
    }

    @Test
    void noBisectStepsStopsAtTheFirstFailure() {
        RateSearch search = new RateSearch(200, 1.5, 0, 0);
        assertEquals(List.of(200.0, 300.0), run(search, rate -> rate < 300));
        assertEquals(200.0, search.best());
    }

    @Test
    void aFailingStartRateBisectsTowardsZero() {
        RateSearch search = new RateSearch(200, 1.5, 2, 0);
        assertEquals(List.of(200.0, 100.0, 50.0), run(search, rate -> rate <= 60));
        assertEquals(50.0, search.best());
    }

    @Test
    void nothingPassingHasNoBest() {
        RateSearch search = new RateSearch(200, 1.5, 1, 0);
        run(search, rate -> false);
        assertTrue(Double.isNaN(search.best()));
    }

    @Test
    void aFailureThatPassesOnItsRepeatDoesNotEndTheGrowth() {
        RateSearch search = new RateSearch(200, 1.5, 1, 1);
        List<Boolean> outcomes = new ArrayList<>(List.of(true, false, true, true, false, false, true));
        List<Double> tried = run(search, rate -> outcomes.remove(0));
        // 200 pass; 300 fails once (a burst), passes on its repeat; 450 pass; 675 fails twice; bisect 562.5 passes
        assertEquals(List.of(200.0, 300.0, 300.0, 450.0, 675.0, 675.0, 562.5), tried);
        assertEquals(562.5, search.best());
        assertEquals(List.of(300.0), search.passedOnRepeat());
        assertTrue(outcomes.isEmpty());
    }

    @Test
    void aRateFailsOnlyWhenEveryTryFailed() {
        RateSearch search = new RateSearch(200, 1.5, 2, 2);
        List<Double> tried = run(search, rate -> rate <= 300);
        // 450 and its bisected 375 fail three times each (the first try and two repeats); 337.5 is the last bisect step
        assertEquals(List.of(200.0, 300.0, 450.0, 450.0, 450.0, 375.0, 375.0, 375.0, 337.5, 337.5, 337.5), tried);
        assertEquals(300.0, search.best());
        assertEquals(List.of(), search.passedOnRepeat());
    }

    @Test
    void saysWhenTheNextStepIsARepeat() {
        RateSearch search = new RateSearch(200, 1.5, 0, 1);
        search.report(false);
        assertTrue(search.repeating());
        assertEquals(200.0, search.next());
        search.report(true);
        assertEquals(300.0, search.next());
        assertTrue(!search.repeating());
    }

    @Test
    void growthIsCapped() {
        RateSearch search = new RateSearch(1, 1.5, 3, 0);
        assertEquals(RateSearch.MAX_GROWTH_STEPS, run(search, rate -> true).size());
        assertThrows(IllegalStateException.class, () -> search.report(true));
    }
}
