package dev.realtimekit.impl.bus.redis;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;

import org.redisson.api.RedissonClient;

import dev.realtimekit.RealtimeRedis;
import dev.realtimekit.impl.runtime.RealtimeRuntime;

/**
 * The kit's Redisson client for the application ({@link RealtimeRedis}). Added as a bean by the
 * extension only when the kit uses Redis and Redisson is visible ({@link #register}): this class
 * cannot be loaded without Redisson.
 *
 * <p>The application gets a view, not the client itself: each call goes to the client the kit uses
 * at that moment (the subscription check replaces it when Redis faults leave it stuck), and
 * {@code shutdown} is refused, since the kit closes its client when the application stops.
 */
public class ApplicationRedisClient {

    /** Adds this producer as an application-scoped bean; call only when Redis is configured and Redisson visible. */
    public static void register(BeforeBeanDiscovery event) {
        event.addAnnotatedType(ApplicationRedisClient.class, ApplicationRedisClient.class.getName())
                .add(ApplicationScoped.Literal.INSTANCE);
    }

    @Produces
    @RealtimeRedis
    @ApplicationScoped
    RedissonClient client(RealtimeRuntime runtime) {
        return view(() -> ((RedisEventBus) runtime.chosenBus()).client());
    }

    /** @return a client whose every call goes to {@code current}'s client of the moment, {@code shutdown} excepted */
    static RedissonClient view(Supplier<RedissonClient> current) {
        InvocationHandler calls = (proxy, method, args) -> switch (method.getName()) {
            case "shutdown" -> throw new UnsupportedOperationException(
                    "The realtime kit's Redisson client is shared: the kit shuts it down when the application stops");
            case "equals" -> isObjectMethod(method) ? proxy == args[0] : invoke(current.get(), method, args);
            case "hashCode" -> isObjectMethod(method) ? System.identityHashCode(proxy) : invoke(current.get(), method, args);
            case "toString" -> isObjectMethod(method) ? "the realtime kit's Redisson client" : invoke(current.get(), method, args);
            default -> invoke(current.get(), method, args);
        };
        return (RedissonClient) Proxy.newProxyInstance(RedissonClient.class.getClassLoader(),
                new Class<?>[] {RedissonClient.class}, calls);
    }

    private static boolean isObjectMethod(Method method) {
        return method.getDeclaringClass() == Object.class;
    }

    private static Object invoke(RedissonClient client, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(client, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
