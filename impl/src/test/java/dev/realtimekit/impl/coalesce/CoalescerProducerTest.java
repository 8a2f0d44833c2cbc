package dev.realtimekit.impl.coalesce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import org.junit.jupiter.api.Test;

import dev.realtimekit.Coalescer;

/**
 * The producer's shape, as CDI needs it (no container here): a bean-defining annotation on the class
 * (the kit's jar uses annotated discovery), and a {@code @Dependent} producer whose return type's type
 * arguments are the method's own unbounded type variables, so it matches every {@code Coalescer<K, T>}.
 */
class CoalescerProducerTest {

    @Test
    void producerIsDiscoverableDependentAndGeneric() throws Exception {
        assertTrue(CoalescerProducer.class.isAnnotationPresent(Dependent.class));
        Method producer = CoalescerProducer.class.getDeclaredMethod("coalescer");
        assertTrue(producer.isAnnotationPresent(Produces.class));
        assertTrue(producer.isAnnotationPresent(Dependent.class), "a producer with type variables must be @Dependent");
        assertTrue(Modifier.isStatic(producer.getModifiers()));

        ParameterizedType type = assertInstanceOf(ParameterizedType.class, producer.getGenericReturnType());
        assertEquals(Coalescer.class, type.getRawType());
        assertArrayEquals(producer.getTypeParameters(), type.getActualTypeArguments());
        for (var variable : producer.getTypeParameters()) {
            assertArrayEquals(new Object[] {Object.class}, variable.getBounds(), "a bound would narrow the injection points");
        }
    }

    @Test
    void everyInjectionPointGetsItsOwnCoalescerWithoutTimeout() {
        Coalescer<String, String> first = CoalescerProducer.coalescer();
        Coalescer<String, String> second = CoalescerProducer.coalescer();

        assertNotSame(first, second);
        assertTrue(assertInstanceOf(DefaultCoalescer.class, first).timeout().isEmpty());
    }
}
