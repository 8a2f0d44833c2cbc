package dev.realtimekit;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.inject.Qualifier;

/**
 * Qualifies the kit's own Redisson client, for state that every node must agree on:
 * {@code @Inject @RealtimeRedis RedissonClient redis;}. A handler runs only on the node of the
 * client that sent the message, so state kept in a field of the handler differs from node to node;
 * state kept in Redis through this client does not.
 *
 * <p>The bean ({@code org.redisson.api.RedissonClient}, application scoped) exists only when the kit
 * uses Redis ({@code realtime.redis.address} or {@code realtime.redis.config} is set) and Redisson
 * is in the application: injecting it otherwise fails the deployment as an unsatisfied dependency,
 * so inject {@code Instance<RedissonClient>} to work with and without Redis. It shares the kit's
 * connections and configuration, and follows the kit when the kit replaces its client (after Redis
 * faults), so never keep objects obtained from it (an {@code RAtomicLong}, an {@code RMap}) for
 * longer than a call: obtain them again each time, which is cheap. {@code shutdown} is refused: the
 * kit closes the client when the application stops.
 */
@Qualifier
@Documented
@Retention(RUNTIME)
@Target({FIELD, METHOD, PARAMETER, TYPE})
public @interface RealtimeRedis {

    /** Supports inline instantiation of the qualifier, e.g. for {@code Instance.select}. */
    final class Literal extends jakarta.enterprise.util.AnnotationLiteral<RealtimeRedis> implements RealtimeRedis {

        private static final long serialVersionUID = 1L;

        /** The one instance. */
        public static final Literal INSTANCE = new Literal();

        private Literal() {
        }
    }
}
