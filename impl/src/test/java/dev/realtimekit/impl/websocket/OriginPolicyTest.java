package dev.realtimekit.impl.websocket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.realtimekit.impl.config.RealtimeConfig;
import dev.realtimekit.impl.config.RealtimeConfigs;

class OriginPolicyTest {

    private final OriginPolicy sameOrigin = new OriginPolicy(new RealtimeConfig());

    @Test
    void byDefaultOnlyThePagesOfTheServersOwnHostAndPortPass() {
        assertTrue(sameOrigin.allows("http://chat.example.com:9080", "chat.example.com:9080"));
        assertTrue(sameOrigin.allows("https://Chat.Example.com", "chat.example.com"), "default port, any case");
        assertTrue(sameOrigin.allows("https://chat.example.com", "chat.example.com:443"));
        assertTrue(sameOrigin.allows("http://[::1]:9080", "[::1]:9080"));

        assertFalse(sameOrigin.allows("http://evil.example.com", "chat.example.com"));
        assertFalse(sameOrigin.allows("http://chat.example.com:9081", "chat.example.com:9080"), "another port");
        assertFalse(sameOrigin.allows("https://chat.example.com", "chat.example.com:80"), "https page, http default port");
        assertFalse(sameOrigin.allows("http://chat.example.com.evil.com", "chat.example.com"));
        assertFalse(sameOrigin.allows("null", "chat.example.com"), "sandboxed frames and files");
        assertFalse(sameOrigin.allows("not an origin", "chat.example.com"));
        assertFalse(sameOrigin.allows("http://chat.example.com", null), "no Host header to compare with");
    }

    @Test
    void requestsWithoutAnOriginPassUnlessOneIsRequired() {
        assertTrue(sameOrigin.allows(null, "chat.example.com"));
        assertFalse(new OriginPolicy(RealtimeConfigs.origins(null, true)).allows(null, "chat.example.com"));
    }

    @Test
    void aConfiguredListReplacesTheSameOriginRule() {
        OriginPolicy listed = new OriginPolicy(RealtimeConfigs.origins("https://app.example.com, http://localhost:3000", false));

        assertTrue(listed.allows("https://app.example.com", "api.example.com"));
        assertTrue(listed.allows("https://APP.example.com:443", "api.example.com"));
        assertTrue(listed.allows("http://localhost:3000", "api.example.com"));
        assertFalse(listed.allows("https://api.example.com", "api.example.com"), "the own origin is not implied");
        assertFalse(listed.allows("http://app.example.com", "api.example.com"), "another scheme");
    }

    @Test
    void aStarAllowsAnyOriginAndNullOnlyWhenListed() {
        assertTrue(new OriginPolicy(RealtimeConfigs.origins("*", false)).allows("http://evil.example.com", "a"));
        assertTrue(new OriginPolicy(RealtimeConfigs.origins("null", false)).allows("null", "a"));
    }
}
