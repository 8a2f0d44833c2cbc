package dev.realtimekit.impl.runtime;

/**
 * Whether an optional library or server feature (Redisson, MicroProfile Health, MicroProfile
 * Metrics, OpenTelemetry) is visible to the kit, checked by class name without loading the class:
 * the kit only touches such an API after this said yes, so it runs with or without it.
 */
public final class OptionalApis {

    private OptionalApis() {
    }

    /** @return whether the class can be found by the kit's class loader */
    public static boolean visible(String className) {
        try {
            Class.forName(className, false, OptionalApis.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
