package dev.realtimekit.impl.websocket;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;

import dev.realtimekit.HandlerException;
import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.dispatch.Connection;
import dev.realtimekit.impl.dispatch.ConnectionLimitException;
import dev.realtimekit.impl.dispatch.Dispatcher;
import dev.realtimekit.impl.dispatch.Stages;
import dev.realtimekit.impl.history.Position;
import dev.realtimekit.impl.i18n.Messages;
import dev.realtimekit.impl.metrics.RealtimeMetrics;
import dev.realtimekit.impl.registry.TopicNames;

/**
 * Serves {@code realtime.path}: checks the topic, the token and the topic access, answers a refusal
 * with its HTTP status before any upgrade, and upgrades the rest with
 * {@link ServerContainer#upgradeHttpToWebSocket} to an endpoint that already knows its user and topic.
 *
 * <p>Answers: 400 for a malformed topic or a request that is not a WebSocket upgrade, 401 (with
 * {@code WWW-Authenticate: Bearer}) for a missing or rejected token, 403 for a page of a foreign
 * origin (see {@link OriginPolicy}), 403/404 from the topic authorizer, 405 for other methods than
 * GET, 429 when the user holds {@code realtime.max-connections-per-user} connections, 503 (with
 * {@code Retry-After}) when the node holds {@code realtime.max-connections}, and 503 when the checks
 * and the subscription together take longer than {@code realtime.auth-timeout-ms} or the topic's
 * subscription cannot be confirmed, and 503 (with {@code Retry-After}) while the node drains. A
 * connection is registered and subscribed before the upgrade answer is sent, so the client
 * receives the topic's events from the moment its socket opens. Bodies are the status reason
 * phrase, never details.
 *
 * <p>Blocks the request thread for at most {@code realtime.auth-timeout-ms}.
 */
final class HandshakeServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String BEARER = "bearer ";
    /** Seconds a client refused because the node is full is asked to wait. */
    static final String RETRY_AFTER_SECONDS = "5";

    private final transient ServerContainer container;
    private final transient RealtimeConfig config;
    private final transient HandshakeAuthenticator authenticator;
    private final transient Dispatcher<?, ?, Object> dispatcher;
    private final transient OriginPolicy origins;
    private final transient Heartbeat heartbeat;
    private final transient BooleanSupplier draining;
    private final transient RealtimeMetrics metrics;

    /**
     * @param draining whether the node drains: then every handshake gets 503 with {@code Retry-After}
     * @param metrics told about each refused handshake, and each connection's open and close
     */
    HandshakeServlet(ServerContainer container, RealtimeConfig config, HandshakeAuthenticator authenticator,
            Dispatcher<?, ?, Object> dispatcher, Heartbeat heartbeat, BooleanSupplier draining, RealtimeMetrics metrics) {
        this.metrics = metrics;
        this.draining = draining;
        this.container = container;
        this.config = config;
        this.authenticator = authenticator;
        this.dispatcher = dispatcher;
        this.origins = new OriginPolicy(config);
        this.heartbeat = heartbeat;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        if (!"GET".equals(request.getMethod())) {
            response.setHeader("Allow", "GET");
            refuse(response, 405);
            return;
        }
        // Before anything else: a foreign page learns nothing, not even whether its token is valid.
        if (!origins.allows(request.getHeader("Origin"), request.getHeader("Host"))) {
            refuse(response, 403);
            return;
        }
        if (draining.getAsBoolean()) {
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            refuse(response, 503);
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.authTimeoutMs());
        String rawTopic = rawTopic(request);
        if (rawTopic == null) {
            refuse(response, 404);
            return;
        }
        String topic = decodeTopic(rawTopic);
        if (topic == null) {
            refuse(response, 400);
            return;
        }
        String token;
        String sinceText;
        try {
            token = token(request);
            sinceText = request.getParameter("since");
        } catch (IllegalArgumentException e) {
            refuse(response, 400); // a query string the container cannot decode (e.g. %zz)
            return;
        }
        Position since = sinceText == null ? null : Position.parse(sinceText);
        if (sinceText != null && since == null) {
            refuse(response, 400);
            return;
        }
        HandshakeAuthenticator.Outcome outcome = authenticator.check(token, topic, deadline);
        if (!outcome.allowed()) {
            refuse(response, outcome.status());
            return;
        }
        if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            refuse(response, 400);
            return;
        }
        // Subscribed before the upgrade: when the client's socket opens, it receives the topic's events.
        Connection<Object> connection;
        try {
            connection = dispatcher.prepare(outcome.userId(), topic);
            dispatcher.recoverFrom(connection, since);
        } catch (ConnectionLimitException e) {
            if (e.status() == 503) {
                response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            }
            Messages.LOG.fine(() -> "Handshake refused with " + e.status() + ": " + e.getMessage());
            refuse(response, e.status());
            return;
        }
        // Checked again once admitted: a drain that began meanwhile may not have seen this connection.
        if (draining.getAsBoolean()) {
            dispatcher.abandon(connection);
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            refuse(response, 503);
            return;
        }
        if (!subscribed(connection, deadline)) {
            refuse(response, 503);
            return;
        }
        RealtimeEndpoint endpoint = new RealtimeEndpoint(dispatcher, config, connection, heartbeat, metrics);
        ServerEndpointConfig endpointConfig = ServerEndpointConfig.Builder.create(RealtimeEndpoint.class, config.path())
                .configurator(new SingleInstance(endpoint))
                .build();
        try {
            container.upgradeHttpToWebSocket(new WithoutNewSession(request), response, endpointConfig, Map.of("topic", topic));
        } catch (DeploymentException | RuntimeException e) {
            dispatcher.abandon(connection);
            Messages.unexpected("the WebSocket upgrade", e);
            if (!response.isCommitted()) {
                refuse(response, 500);
            }
            return;
        }
        if (response.getStatus() != HttpServletResponse.SC_SWITCHING_PROTOCOLS) {
            dispatcher.abandon(connection); // the container refused the upgrade (e.g. a malformed key)
            metrics.handshakeRefused(response.getStatus());
        }
    }

    /** Waits for the prepared connection's subscription; false (connection abandoned) when it fails or takes too long. */
    private boolean subscribed(Connection<Object> connection, long deadline) {
        try {
            dispatcher.subscribe(connection).toCompletableFuture().get(Math.max(0, deadline - System.nanoTime()),
                    TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException e) {
            Messages.subscribeFailed(connection.topic(), connection.id(), Stages.unwrap(e));
            return false;
        } catch (TimeoutException e) {
            dispatcher.abandon(connection);
            Messages.subscribeFailed(connection.topic(), connection.id(), e);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dispatcher.abandon(connection);
            return false;
        }
    }

    /** @return the still-encoded topic segment, or null when the path has no single segment after the prefix */
    private String rawTopic(HttpServletRequest request) {
        String prefix = request.getContextPath() + config.pathPrefix();
        String uri = request.getRequestURI();
        if (!uri.startsWith(prefix)) {
            return null;
        }
        String raw = uri.substring(prefix.length());
        return raw.isEmpty() || raw.indexOf('/') >= 0 ? null : raw;
    }

    /** @return the decoded topic, or null when it is malformed, too long or holds control characters */
    private String decodeTopic(String raw) {
        String topic;
        try {
            // In a path '+' is a plus, not a space.
            topic = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return TopicNames.isValid(topic, config.maxTopicLength()) ? topic : null;
    }

    /** @return the bearer token from the Authorization header, else the {@code token} query parameter, else null */
    private static String token(HttpServletRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.length() > BEARER.length()
                && authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
            return authorization.substring(BEARER.length()).trim();
        }
        return request.getParameter("token");
    }

    private void refuse(HttpServletResponse response, int status) throws IOException {
        metrics.handshakeRefused(status);
        response.setStatus(status);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"realtime\"");
        }
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().write(HandlerException.reasonPhrase(status));
    }

    /**
     * The handshake request as the container sees it during the upgrade, except that asking it for
     * the HTTP session creates none: Liberty asks for one on every upgrade (for
     * {@code HandshakeRequest.getHttpSession()}), which the kit never uses, and each would stay in
     * memory with the connection for the session timeout. An existing session is still returned.
     */
    private static final class WithoutNewSession extends HttpServletRequestWrapper {
        WithoutNewSession(HttpServletRequest request) {
            super(request);
        }

        @Override
        public HttpSession getSession() {
            return super.getSession(false);
        }

        @Override
        public HttpSession getSession(boolean create) {
            return super.getSession(false);
        }
    }

    /** Hands the container the endpoint instance prepared for this handshake. */
    private static final class SingleInstance extends ServerEndpointConfig.Configurator {
        private final RealtimeEndpoint endpoint;

        SingleInstance(RealtimeEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return endpointClass.cast(endpoint);
        }
    }
}
