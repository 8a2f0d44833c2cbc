package dev.realtimekit;

/**
 * What a {@link Coalescer} did, as returned by {@link Coalescer#stats()}: an immutable snapshot.
 *
 * <p>Every call of {@link Coalescer#execute} with non-null arguments counts once, as
 * {@code initiated} or as {@code coalesced}, so {@code initiated + coalesced} is the number of calls.
 * {@code failed} and {@code timedOut} count operations, not callers, and exclude each other: an
 * operation that timed out is not counted again when it fails later.
 *
 * @param initiated operations started (calls that found their key free)
 * @param coalesced calls that joined an operation already running for their key
 * @param failed operations that failed (a failed stage, a thrown exception or a {@code null} stage)
 *     before any timeout
 * @param timedOut operations whose callers were failed with {@link CoalescerTimeoutException}
 * @param pendingKeys keys with an operation in flight at the time of the snapshot; not a counter, so
 *     {@link Coalescer#resetStats()} leaves it alone
 */
public record CoalescerStats(long initiated, long coalesced, long failed, long timedOut, int pendingKeys) {

    /**
     * @throws IllegalArgumentException if any value is negative
     */
    public CoalescerStats {
        if (initiated < 0 || coalesced < 0 || failed < 0 || timedOut < 0 || pendingKeys < 0) {
            throw new IllegalArgumentException("Coalescer statistics cannot be negative: " + initiated + ", "
                    + coalesced + ", " + failed + ", " + timedOut + ", " + pendingKeys);
        }
    }
}
