package dev.realtimekit.test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the type arguments a class gives a generic interface, through its superclasses and
 * superinterfaces, as CDI reads them from a bean's types (the kit's extension decodes client frames
 * to the handler's {@code C}).
 */
final class HandlerTypes {

    private HandlerTypes() {
    }

    /**
     * @return the arguments {@code type} gives {@code generic}, or null when it does not implement it
     *     or leaves an argument open (a type variable, a lambda's class)
     */
    static Type[] arguments(Class<?> type, Class<?> generic) {
        Type[] found = resolve(type, generic, Map.of());
        if (found == null) {
            return null;
        }
        for (Type argument : found) {
            if (argument instanceof TypeVariable<?>) {
                return null;
            }
        }
        return found;
    }

    private static Type[] resolve(Type type, Class<?> generic, Map<TypeVariable<?>, Type> outer) {
        Class<?> raw;
        Map<TypeVariable<?>, Type> bindings = new HashMap<>();
        if (type instanceof ParameterizedType parameterized) {
            raw = (Class<?>) parameterized.getRawType();
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] arguments = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                bindings.put(variables[i], substitute(arguments[i], outer));
            }
        } else if (type instanceof Class<?> plain) {
            raw = plain;
        } else {
            return null;
        }
        if (raw == generic) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] resolved = new Type[variables.length];
            for (int i = 0; i < variables.length; i++) {
                resolved[i] = bindings.getOrDefault(variables[i], variables[i]);
            }
            return resolved;
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Type[] found = resolve(parent, generic, bindings);
            if (found != null) {
                return found;
            }
        }
        return raw.getGenericSuperclass() == null ? null : resolve(raw.getGenericSuperclass(), generic, bindings);
    }

    private static Type substitute(Type type, Map<TypeVariable<?>, Type> bindings) {
        return type instanceof TypeVariable<?> variable ? bindings.getOrDefault(variable, variable) : type;
    }
}
