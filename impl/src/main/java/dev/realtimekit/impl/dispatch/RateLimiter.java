package dev.realtimekit.impl.dispatch;

/**
 * One connection's message rate, as a token bucket: it holds up to {@code burst} tokens, refilled at
 * {@code perSecond}, and each message takes one. A message that finds no token is refused; refused
 * messages take a token too, so the bucket goes into debt, and a connection {@code burst} messages
 * in debt keeps sending far too fast and is to be closed. A client that slows down to its rate
 * recovers by itself. Thread-safe.
 */
final class RateLimiter {

    enum Verdict { ACCEPT, REFUSE, CLOSE }

    private final double tokensPerNano;
    private final double burst;
    /** Guarded by this. */
    private double tokens;
    /** Guarded by this. */
    private long lastNanos;

    RateLimiter(int perSecond, int burst, long nowNanos) {
        this.tokensPerNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    synchronized Verdict take(long nowNanos) {
        tokens = Math.min(burst, tokens + Math.max(0, nowNanos - lastNanos) * tokensPerNano) - 1;
        lastNanos = nowNanos;
        if (tokens >= 0) {
            return Verdict.ACCEPT;
        }
        if (tokens < -burst) {
            tokens = -burst;
            return Verdict.CLOSE;
        }
        return Verdict.REFUSE;
    }
}
