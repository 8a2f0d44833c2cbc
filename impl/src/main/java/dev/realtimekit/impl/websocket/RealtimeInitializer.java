package dev.realtimekit.impl.websocket;

import java.util.Set;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.websocket.server.ServerContainer;

import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.runtime.DrainControl;
import dev.realtimekit.impl.runtime.RealtimeRuntime;

/**
 * Registers the realtime endpoint when the web application starts: the handshake servlet at
 * {@code realtime.path}, wired to the application's beans. Runs after CDI has validated the
 * deployment, so the handler, validator and configuration are known to be usable.
 */
public final class RealtimeInitializer implements ServletContainerInitializer {

    static final String SERVLET_NAME = "dev.realtimekit.handshake";

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        RealtimeRuntime runtime = CDI.current().select(RealtimeRuntime.class).get();
        ServerContainer container = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (container == null) {
            throw new ServletException(Messages.noServerContainer());
        }
        HandshakeAuthenticator authenticator = new HandshakeAuthenticator(runtime.tokenValidator(),
                runtime.topicAuthorizer(), runtime.config().authTimeoutMs());
        Heartbeat heartbeat = new Heartbeat(runtime.scheduler(), runtime.executor(), runtime.dispatcher(),
                runtime.config().pingIntervalMs());
        runtime.watchHeartbeat(heartbeat::isRunning);
        DrainControl control = DrainControl.register(context.getContextPath(), runtime);
        context.addListener(new ServletContextListener() {
            /**
             * The application stops: drains, then stops the heartbeat. On Liberty 25 this runs after
             * the context root was removed (new requests get 404, the health checks are no longer
             * asked) and before the container closes the open WebSocket sessions, so they get 1012.
             */
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                try {
                    runtime.drainForStop();
                } finally {
                    heartbeat.close();
                    if (control != null) {
                        control.unregister();
                    }
                }
            }
        });
        ServletRegistration.Dynamic registration = context.addServlet(SERVLET_NAME,
                new HandshakeServlet(container, runtime.config(), authenticator, runtime.dispatcher(), heartbeat,
                        runtime::draining, runtime.metrics()));
        String pattern = runtime.config().urlPattern();
        Set<String> conflicts = registration.addMapping(pattern);
        if (!conflicts.isEmpty()) {
            throw new ServletException(Messages.mappingConflict(pattern, conflicts));
        }
        Messages.endpointRegistered(context.getContextPath(), runtime.config().path(), runtime.handlerName(),
                runtime.bus().describe());
    }
}
