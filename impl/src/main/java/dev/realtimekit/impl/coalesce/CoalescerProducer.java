package dev.realtimekit.impl.coalesce;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import dev.realtimekit.Coalescer;

/**
 * Makes {@code @Inject Coalescer<K, T>} work for any {@code K} and {@code T}: every injection point
 * gets a new {@link DefaultCoalescer} without a timeout, which lives as long as the bean it is
 * injected into.
 *
 * <p>The producer's return type has type variables, so CDI requires it to be {@code @Dependent}
 * (a definition error otherwise); its bean type {@code Coalescer<K, T>} is assignable to every
 * {@code Coalescer<String, Snapshot>} injection point because an unbounded type variable matches any
 * actual type argument. It has the {@code @Default} qualifier: an application producing its own
 * {@code Coalescer} (for example one with a timeout) gives it a qualifier of its own, otherwise the
 * unqualified injection points become ambiguous.
 */
@Dependent
public class CoalescerProducer {

    /** @return a new coalescer without a timeout, for one injection point */
    @Produces
    @Dependent
    static <K, T> Coalescer<K, T> coalescer() {
        return new DefaultCoalescer<>();
    }
}
