package dev.realtimekit.impl.runtime;

/**
 * The operator's drain switch, registered per web application as
 * {@code dev.realtimekit:type=Drain,name=<context root>} in the server's MBean server (on Liberty
 * reachable with {@code localConnector-1.0}, e.g. from jconsole, or {@code restConnector-2.0}).
 */
public interface DrainControlMXBean {

    /**
     * Starts draining this application on this node, and returns at once: readiness goes DOWN, new
     * handshakes get 503 with {@code Retry-After}, and every connection is closed with 1012 in randomly
     * delayed batches over {@code realtime.drain-window-ms}. Irreversible until the application
     * restarts; calling it again changes nothing.
     */
    void drain();

    /** @return whether a drain was started */
    boolean isDraining();

    /** @return the connections not yet closed (their onDisconnect still to finish included) */
    int getOpenConnections();

    /** @return {@code realtime.drain-window-ms} */
    long getDrainWindowMs();
}
