package dev.realtimekit;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Single-flight: runs at most one operation per key at a time and hands its result to every caller
 * that asked for that key while it ran. The counterpart of axum-realtime-kit's {@code CoalescingService}.
 * Typical use: during a reconnect storm a thousand clients of one room ask for its history at once,
 * and the database sees one query.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>The first caller for a key starts the operation; every caller arriving while it runs gets
 *       the same outcome (it is <em>coalesced</em>) and its own operation is never called.</li>
 *   <li>Nothing is cached: once the operation's stage completes, the key is free, and the next call
 *       runs the operation again.</li>
 *   <li>A failed operation fails every caller waiting for it, with the same exception, and is
 *       forgotten like a successful one: the next call runs the operation again. An operation that
 *       throws instead of returning a stage, or returns {@code null}, counts as failed (the
 *       {@code null} case with a {@link NullPointerException}).</li>
 *   <li>With a timeout, the callers of an operation whose stage has not completed in time fail with
 *       {@link CoalescerTimeoutException} and the key is freed at that moment: the next call starts a
 *       fresh operation although the old one may still be running. The old operation's late result,
 *       value or failure, is dropped: it completes no caller and never occupies the key again.</li>
 *   <li>The operation is not cancelled on timeout, nor when a caller cancels its stage: the kit
 *       cannot know whether that is safe. Give it a timeout of its own where it holds resources.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>Implementations are thread-safe: {@link #execute} may be called from any thread, concurrently,
 *       for the same or different keys.</li>
 *   <li>The operation is called on the thread of the caller that starts it, inside {@code execute},
 *       so it should only <em>start</em> its work and return a stage. Never wait, inside the
 *       operation, for a call of {@code execute} with the same key: that call is coalesced onto the
 *       operation itself and the wait never ends.</li>
 *   <li>The returned stage completes on the thread that completes the operation's stage (a database
 *       driver's, a managed executor's), on the calling thread when the operation finished or threw
 *       inside {@code execute}, and on the JDK's shared timer thread
 *       ({@code CompletableFuture}'s delay scheduler) when it times out. Dependent actions attached
 *       without an executor run on that thread: keep them short, and use the {@code ...Async}
 *       variants with a managed executor for anything slow.</li>
 *   <li>Never block on the returned stage ({@code join()}, {@code get()}) on a WebSocket or event loop
 *       thread; return it or compose on it.</li>
 * </ul>
 *
 * <h2>The returned stage</h2>
 * Every caller gets a stage of its own: completing or cancelling it (through
 * {@code toCompletableFuture()}) affects only that caller, never the operation or the other callers.
 * It fails with what the operation failed with; as for any dependent {@code CompletableFuture}, actions
 * attached to it may see that failure wrapped in a {@link java.util.concurrent.CompletionException}.
 *
 * <h2>Keys</h2>
 * Keys are compared with {@code equals} and {@code hashCode}, which must be consistent and must not
 * change while the key is in use. They never appear in the kit's exception messages or logs, so they
 * may contain private data.
 *
 * <h2>Getting one</h2>
 * With {@code new} ({@code dev.realtimekit.impl.coalesce.DefaultCoalescer}, with or without a timeout),
 * or by injection ({@code @Inject Coalescer<String, Snapshot> snapshots;}), which gives every injection
 * point a new coalescer without a timeout. Coalescing happens only among the callers of one instance:
 * keep it in an {@code @ApplicationScoped} bean (or another long-lived one), not in a
 * {@code @RequestScoped} or {@code @Dependent} bean created per request.
 *
 * @param <K> the key type
 * @param <T> the result type
 */
public interface Coalescer<K, T> {

    /**
     * Runs {@code operation} for {@code key} unless an operation for that key is running already, in
     * which case the caller gets that operation's outcome.
     *
     * @param key what the operation is for; not {@code null}
     * @param operation starts the work and returns its stage; called at most once per call, and not at
     *     all when the call is coalesced
     * @return a stage of this caller's own that completes with the operation's value, or fails with
     *     its failure or with {@link CoalescerTimeoutException}; never {@code null}
     * @throws NullPointerException if {@code key} or {@code operation} is {@code null} (nothing is
     *     counted then)
     */
    CompletionStage<T> execute(K key, Supplier<? extends CompletionStage<T>> operation);

    /**
     * @return the counters since creation or the last {@link #resetStats()}, and the keys in flight now;
     *     each value is exact at some moment during this call, but they are not read atomically together.
     *     An operation's outcome is counted, and its key freed, before any of its callers' stages
     *     completes, so a caller that has seen its result also sees it in the statistics
     */
    CoalescerStats stats();

    /**
     * Sets the counters ({@code initiated}, {@code coalesced}, {@code failed}, {@code timedOut}) to zero.
     * Operations in flight are not touched: their keys stay occupied, later callers are still coalesced
     * onto them, and their outcome is counted after the reset. Forgetting them instead would let a second
     * operation for the same key start while the first still runs, which is the one thing a coalescer
     * promises not to do. {@link CoalescerStats#pendingKeys()} is therefore not reset: it is a gauge of
     * what is running, not a counter.
     */
    void resetStats();
}
