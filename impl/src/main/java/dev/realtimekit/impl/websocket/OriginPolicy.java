package dev.realtimekit.impl.websocket;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import dev.realtimekit.impl.config.RealtimeConfig;

/**
 * Which pages may open a connection, judged by the handshake's {@code Origin} header, against
 * cross-site WebSocket hijacking: a page on another site could otherwise connect with the user's
 * cookies or a token it found. With {@code realtime.allowed-origins} only the listed origins pass
 * ({@code *}: any); without it only the server's own origin, whose host and port equal the
 * {@code Host} header. A request without an Origin (a non-browser client) passes unless
 * {@code realtime.require-origin} is set. Immutable and thread-safe.
 */
final class OriginPolicy {

    private final boolean anyOrigin;
    private final Set<String> allowed;
    private final boolean requireOrigin;

    OriginPolicy(RealtimeConfig config) {
        List<String> configured = config.allowedOrigins();
        this.anyOrigin = configured.contains("*");
        this.allowed = configured.stream()
                .map(origin -> origin.equals("null") ? "null" : RealtimeConfig.normalizeOrigin(origin))
                .filter(origin -> origin != null).collect(Collectors.toUnmodifiableSet());
        this.requireOrigin = config.requireOrigin();
    }

    /**
     * @param origin the request's Origin header, or null
     * @param host the request's Host header, or null
     * @return whether the handshake may go on
     */
    boolean allows(String origin, String host) {
        if (origin == null) {
            return !requireOrigin;
        }
        if (anyOrigin) {
            return true;
        }
        // Sandboxed frames and local files send the literal "null": allowed only when listed.
        String normalized = origin.trim().equals("null") ? "null" : RealtimeConfig.normalizeOrigin(origin);
        if (normalized == null) {
            return false;
        }
        if (!allowed.isEmpty()) {
            return allowed.contains(normalized);
        }
        return host != null && !normalized.equals("null") && sameHostAndPort(normalized, host);
    }

    /** @return whether the origin names the same host and port as the Host header (which omits default ports) */
    private static boolean sameHostAndPort(String origin, String host) {
        String authority = origin.substring(origin.indexOf("://") + 3);
        boolean https = origin.startsWith("https:");
        return withPort(authority, https).equals(withPort(host.trim().toLowerCase(Locale.ROOT), https));
    }

    private static String withPort(String authority, boolean https) {
        int colon = authority.lastIndexOf(':');
        boolean hasPort = colon > authority.lastIndexOf(']'); // IPv6 literals hold colons of their own
        return hasPort ? authority : authority + (https ? ":443" : ":80");
    }
}
