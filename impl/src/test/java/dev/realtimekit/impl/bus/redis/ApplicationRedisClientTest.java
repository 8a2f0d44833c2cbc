package dev.realtimekit.impl.bus.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

class ApplicationRedisClientTest {

    private final List<String> calls = new ArrayList<>();

    /** A stand-in client that records the calls it gets, under its name. */
    private RedissonClient fake(String name) {
        return (RedissonClient) Proxy.newProxyInstance(RedissonClient.class.getClassLoader(), new Class<?>[] {RedissonClient.class},
                (proxy, method, args) -> {
                    calls.add(name + "." + method.getName());
                    return method.getName().equals("getId") ? name : null;
                });
    }

    @Test
    void eachCallGoesToTheClientTheKitUsesAtThatMoment() {
        AtomicReference<RedissonClient> current = new AtomicReference<>(fake("first"));
        RedissonClient view = ApplicationRedisClient.view(current::get);

        assertEquals("first", view.getId());
        current.set(fake("replacement")); // the subscription check replaced the kit's client
        assertEquals("replacement", view.getId());
        assertEquals(List.of("first.getId", "replacement.getId"), calls);
    }

    @Test
    void theApplicationCannotShutTheKitsClientDown() {
        RedissonClient view = ApplicationRedisClient.view(() -> fake("kit"));

        assertThrows(UnsupportedOperationException.class, view::shutdown);
        assertThrows(UnsupportedOperationException.class, () -> view.shutdown(1, 2, TimeUnit.SECONDS));
        assertEquals(List.of(), calls, "never reached the client");
    }

    @Test
    void identityIsTheViewsOwn() {
        RedissonClient view = ApplicationRedisClient.view(() -> fake("kit"));

        assertTrue(view.equals(view));
        assertNotEquals(view, ApplicationRedisClient.view(() -> fake("kit")));
        assertEquals(System.identityHashCode(view), view.hashCode());
        assertEquals(List.of(), calls);
    }
}
