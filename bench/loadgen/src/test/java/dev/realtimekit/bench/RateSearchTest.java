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
        RateSearch search = new RateSearch(200, 1.5, 3);
        List<Double> tried = run(search, rate -> rate <= 500);
        // 200, 300, 450 pass, 675 fails; bisect: 562.5 fails, 506.25 fails, 478.125 passes
        assertEquals(List.of(200.0, 300.0, 450.0, 675.0, 562.5, 506.25, 478.125), tried);
        assertEquals(478.125, search.best());
    }

    @Test
    void bisectsUpwardsAfterAPass() {
        RateSearch search = new RateSearch(100, 2, 2);
        List<Double> tried = run(search, rate -> rate <= 160);
        // 100 pass, 200 fail; 150 pass; 175 fail
        assertEquals(List.of(100.0, 200.0, 150.0, 175.0), tried);
        assertEquals(150.0, search.best());
    }

    @Test
    void noBisectStepsStopsAtTheFirstFailure() {
        RateSearch search = new RateSearch(200, 1.5, 0);
        assertEquals(List.of(200.0, 300.0), run(search, rate -> rate < 300));
        assertEquals(200.0, search.best());
    }

    @Test
    void aFailingStartRateBisectsTowardsZero() {
        RateSearch search = new RateSearch(200, 1.5, 2);
        assertEquals(List.of(200.0, 100.0, 50.0), run(search, rate -> rate <= 60));
        assertEquals(50.0, search.best());
    }

    @Test
    void nothingPassingHasNoBest() {
        RateSearch search = new RateSearch(200, 1.5, 1);
        run(search, rate -> false);
        assertTrue(Double.isNaN(search.best()));
    }

    @Test
    void growthIsCapped() {
        RateSearch search = new RateSearch(1, 1.5, 3);
        assertEquals(RateSearch.MAX_GROWTH_STEPS, run(search, rate -> true).size());
        assertThrows(IllegalStateException.class, () -> search.report(true));
    }
}
