package dev.realtimekit.it.hardening;

import static dev.realtimekit.it.support.ErrorBodies.assertShortPlainBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.UUID;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.realtimekit.it.support.Deployments;
import dev.realtimekit.it.support.RawHttp;

/**
 * Every error the sample's server answers on the sample's paths has a short plain body: no class
 * names, exception texts, stack traces or server message ids (the root server.xml's
 * {@code webContainer} settings, and the kit's own plain-text refusals). Requests go over a raw
 * socket so that paths reach the server exactly as written.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ErrorPagesIT {

    private static final String TOKEN = UUID.randomUUID() + ":alice";
    private static final String WS_HEADERS = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==";

    /**
     * The one answer no configuration changes: a URI that Liberty cannot decode or canonicalize is
     * refused before any application or setting is consulted (WebContainer.sendBadRequestResponse),
     * with this message id and the URI, HTML-encoded. No class, exception or stack.
     */
    private static final Pattern LIBERTY_BAD_URI = Pattern.compile(
            "<H1>CWWWC0005I: The request URI has invalid or improperly encoded characters: \\[[^<>\\[\\]]*\\]</H1><BR>\\s*");

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.sample();
    }

    @ArquillianResource
    URL base;

    @Test
    void anEncodedSlashOrBackslashIs400WithAPlainBody() throws Exception {
        assertPlain(400, get("/chat/ws/..%2F..%2Fetc"));
        assertPlain(400, get("/chat/ws/general%2Fx"));
        assertPlain(400, get("/chat/..%5c..%5cetc"));
    }

    @Test
    void aUriLibertyCannotDecodeIs400WithOnlyItsMessageId() throws Exception {
        for (String target : new String[] {"/chat/ws/%zz", "/chat/ws/%", "/chat/%2e%2e/%2e%2e/etc/passwd", "/chat/ws/..;/x",
                "/chat/ws/%00"}) {
            RawHttp.Response response = get(target);
            assertEquals(400, response.status(), target + ": " + response);
            assertTrue(LIBERTY_BAD_URI.matcher(response.body()).matches(), target + ": " + response);
            assertFalse(response.headers().containsKey("$wsep"), target + ": " + response);
        }
    }

    @Test
    void anOverlongRequestIs400WithAPlainBody() throws Exception {
        assertPlain(400, get("/chat/ws/" + "a".repeat(40_000)));
        assertPlain(400, RawHttp.request(base, "GET", "/chat/ws/general", "X-Filler: " + "b".repeat(100_000)));
    }

    @Test
    void aTopicTheKitRefusesIs400ReasonPhrase() throws Exception {
        assertKitAnswer(400, "Bad Request", get("/chat/ws/" + "t".repeat(300) + "?token=" + TOKEN, WS_HEADERS));
        assertKitAnswer(400, "Bad Request", get("/chat/ws/%C0%AF?token=" + TOKEN, WS_HEADERS));
        assertKitAnswer(400, "Bad Request", get("/chat/ws/general?token=" + TOKEN)); // not an upgrade
    }

    @Test
    void anUnknownPathIs404WithAPlainBody() throws Exception {
        assertPlain(404, get("/chat/nope"));
        assertPlain(404, get("/chat/WEB-INF/beans.xml"));
        assertPlain(404, get("/chat/META-INF/MANIFEST.MF"));
        assertPlain(404, RawHttp.request(base, "PUT", "/chat/nope"));
    }

    @Test
    void aWebSocketPathWithoutOneTopicIs404ReasonPhrase() throws Exception {
        assertKitAnswer(404, "Not Found", get("/chat/ws/"));
        assertKitAnswer(404, "Not Found", get("/chat/ws/a/b"));
        assertKitAnswer(404, "Not Found", get("/chat/ws/lobby?token=" + TOKEN, WS_HEADERS));
    }

    @Test
    void aPathOutsideEveryApplicationIs404WithoutLibertysPage() throws Exception {
        RawHttp.Response response = get("/nope");
        assertEquals(404, response.status(), response.toString());
        assertTrue(response.body().length() < 200 && !response.body().contains("Liberty"), response.toString());
        assertFalse(get("/").body().contains("Liberty"), "the welcome page is off");
    }

    @Test
    void otherMethodsOnTheEndpointAre405ReasonPhrase() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS"}) {
            RawHttp.Response response = RawHttp.request(base, method, "/chat/ws/x", "Content-Length: 0");
            assertKitAnswer(405, "Method Not Allowed", response);
            assertEquals("GET", response.headers().get("allow"), method);
        }
    }

    @Test
    void traceIs403WithAPlainBody() throws Exception {
        assertPlain(403, RawHttp.request(base, "TRACE", "/chat/"));
    }

    @Test
    void theKitsRefusalsAreReasonPhrases() throws Exception {
        RawHttp.Response unauthorized = get("/chat/ws/general", WS_HEADERS);
        assertKitAnswer(401, "Unauthorized", unauthorized);
        assertTrue(unauthorized.headers().get("www-authenticate").startsWith("Bearer"), unauthorized.toString());
        assertKitAnswer(401, "Unauthorized", get("/chat/ws/general?token=nope", WS_HEADERS));
        assertKitAnswer(403, "Forbidden", get("/chat/ws/private-user-" + UUID.randomUUID() + "?token=" + TOKEN, WS_HEADERS));
    }

    @Test
    void anUpgradeTheContainerRefusesIs400WithNoBody() throws Exception {
        String noKey = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13";
        assertPlain(400, get("/chat/ws/general?token=" + TOKEN, noKey));
        assertPlain(400, get("/chat/ws/general?token=" + TOKEN, noKey + "\r\nSec-WebSocket-Key: !!"));
        assertPlain(400, get("/chat/ws/general?token=" + TOKEN, WS_HEADERS.replace("Version: 13", "Version: 8")));
    }

    /** A query the container cannot decode makes HttpServletRequest.getParameter throw inside the kit: 500, but plain. */
    @Test
    void aServerErrorHasAPlainBody() throws Exception {
        RawHttp.Response response = get("/chat/ws/general?token=%zz", WS_HEADERS);
        assertTrue(response.status() >= 400, response.toString());
        assertShortPlainBody(response.body(), "GET /chat/ws/general?token=%zz");
    }

    @Test
    void aMalformedQueryIs400() throws Exception {
        assertKitAnswer(400, "Bad Request", get("/chat/ws/general?token=%zz", WS_HEADERS));
    }

    private RawHttp.Response get(String target, String... headers) throws Exception {
        return RawHttp.request(base, "GET", target, headers);
    }

    private static void assertPlain(int status, RawHttp.Response response) {
        assertEquals(status, response.status(), response.toString());
        assertShortPlainBody(response.body(), response.toString());
        assertFalse(response.headers().containsKey("$wsep"), "Liberty's $WSEP header: " + response);
    }

    private static void assertKitAnswer(int status, String reason, RawHttp.Response response) {
        assertPlain(status, response);
        assertEquals(reason, response.body(), response.toString());
        assertTrue(response.headers().getOrDefault("content-type", "").startsWith("text/plain"), response.toString());
    }
}
