package dev.realtimekit.impl.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.dispatch.RateLimiter.Verdict;

class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstPassesThenExcessIsRefused() {
        RateLimiter limiter = new RateLimiter(10, 3, 0);

        assertEquals(List.of(Verdict.ACCEPT, Verdict.ACCEPT, Verdict.ACCEPT, Verdict.REFUSE), take(limiter, 4, 0));
    }

    @Test
    void tokensComeBackAtTheRate() {
        RateLimiter limiter = new RateLimiter(10, 3, 0);
        take(limiter, 3, 0);

        assertEquals(Verdict.REFUSE, limiter.take(SECOND / 20), "half a token after 50 ms");
        // The refusal took a token too: one more tenth of a second pays it back, the next one earns a message.
        assertEquals(Verdict.ACCEPT, limiter.take(SECOND / 20 + SECOND / 10 + SECOND / 10));
    }

    @Test
    void aConnectionThatKeepsSendingIsToBeClosedOnceItsBurstInDebt() {
        RateLimiter limiter = new RateLimiter(10, 3, 0);

        List<Verdict> verdicts = take(limiter, 8, 0);

        assertEquals(List.of(Verdict.ACCEPT, Verdict.ACCEPT, Verdict.ACCEPT, Verdict.REFUSE, Verdict.REFUSE,
                Verdict.REFUSE, Verdict.CLOSE, Verdict.CLOSE), verdicts);
    }

    @Test
    void aClientAtItsRateIsNeverRefused() {
        RateLimiter limiter = new RateLimiter(10, 1, 0);
        for (int i = 1; i <= 1_000; i++) {
            assertEquals(Verdict.ACCEPT, limiter.take(i * SECOND / 10), "message " + i);
        }
    }

    @Test
    void aClientThatSlowsDownRecovers() {
        RateLimiter limiter = new RateLimiter(10, 3, 0);
        take(limiter, 5, 0); // two refused: two tokens in debt

        assertEquals(Verdict.ACCEPT, limiter.take(10 * SECOND));
        assertEquals(List.of(Verdict.ACCEPT, Verdict.ACCEPT, Verdict.REFUSE), take(limiter, 3, 10 * SECOND));
    }

    private static List<Verdict> take(RateLimiter limiter, int count, long nowNanos) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            verdicts.add(limiter.take(nowNanos));
        }
        return verdicts;
    }
}
