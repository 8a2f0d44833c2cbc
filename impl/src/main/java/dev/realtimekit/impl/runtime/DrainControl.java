package dev.realtimekit.impl.runtime;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import dev.realtimekit.impl.i18n.Messages;

/** The {@link DrainControlMXBean} of one web application; registered at its start, unregistered at its stop. */
public final class DrainControl implements DrainControlMXBean {

    private final RealtimeRuntime runtime;
    private final ObjectName name;
    private volatile boolean registered;

    private DrainControl(RealtimeRuntime runtime, ObjectName name) {
        this.runtime = runtime;
        this.name = name;
    }

    /** @return the MBean's name for a web application's context path ({@code ""} for the root) */
    public static ObjectName nameFor(String contextPath) throws JMException {
        String root = contextPath.isEmpty() ? "/" : contextPath;
        String value = root.matches("[^,=:\"*?\\n]+") ? root : ObjectName.quote(root);
        return new ObjectName("dev.realtimekit:type=Drain,name=" + value);
    }

    /**
     * Registers the MBean in the platform MBean server (on Liberty, the server's); a failure is
     * logged ({@code RTK0120W}) and leaves the application running without it.
     */
    public static DrainControl register(String contextPath, RealtimeRuntime runtime) {
        DrainControl control = null;
        try {
            control = new DrainControl(runtime, nameFor(contextPath));
            ManagementFactory.getPlatformMBeanServer().registerMBean(control, control.name);
            control.registered = true;
        } catch (JMException | RuntimeException e) {
            Messages.drainMBeanFailed("dev.realtimekit:type=Drain,name=" + contextPath, e);
        }
        return control;
    }

    /** Unregisters the MBean (so that it holds no reference to the stopped application). */
    public void unregister() {
        if (!registered) {
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name);
        } catch (JMException e) {
            Messages.unexpected("unregistering " + name, e);
        }
        registered = false;
    }

    @Override
    public void drain() {
        runtime.drain("JMX " + name);
    }

    @Override
    public boolean isDraining() {
        return runtime.draining();
    }

    @Override
    public int getOpenConnections() {
        return runtime.dispatcher().openConnections();
    }

    @Override
    public long getDrainWindowMs() {
        return runtime.config().drainWindowMs();
    }
}
