package dev.realtimekit.it.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket client (the JDK's) for the tests: collects every text frame in order and records
 * how the connection closed. Waits always have a deadline.
 */
public final class WsClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1).build();

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    /** {@link System#nanoTime} when the server's close frame arrived; 0 before. */
    private volatile long closedAtNanos;
    private final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();
    private final WebSocket socket;
    /** Frames every read skips (see {@link #ignoring}); none by default. */
    private volatile java.util.function.Predicate<String> ignored = frame -> false;

    private WsClient(WebSocket.Builder builder, URI uri) throws Exception {
        this.socket = builder.buildAsync(uri, new Collector()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** @return the ws:// URI of the endpoint for a topic in the deployment at {@code base}, with the token as query parameter (null: none) */
    public static URI uri(URL base, String topic, String token) {
        String http = base.toExternalForm();
        String ws = "ws" + http.substring("http".length());
        if (!ws.endsWith("/")) {
            ws += "/";
        }
        String query = token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        return URI.create(ws + "ws/" + URLEncoder.encode(topic, StandardCharsets.UTF_8).replace("+", "%20") + query);
    }

    /** Connects with the token in the query string. */
    public static WsClient connect(URL base, String topic, String token) throws Exception {
        return new WsClient(HTTP.newWebSocketBuilder(), uri(base, topic, token));
    }

    /** Connects with the token in an {@code Authorization: Bearer} header. */
    public static WsClient connectWithHeader(URL base, String topic, String token) throws Exception {
        return new WsClient(HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token), uri(base, topic, null));
    }

    /** Connects with these extra request headers (e.g. {@code Origin}). */
    public static WsClient connect(URI uri, java.util.Map<String, String> headers) throws Exception {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        headers.forEach(builder::header);
        return new WsClient(builder, uri);
    }

    /**
     * Attempts a handshake that must be refused.
     *
     * @param authorization the Authorization header value, or null for none
     * @return the HTTP status of the refusal
     */
    public static int refusedStatus(URI uri, String authorization) throws Exception {
        return refusal(uri, authorization == null ? java.util.Map.of() : java.util.Map.of("Authorization", authorization)).statusCode();
    }

    /**
     * Attempts a handshake with these request headers that must be refused.
     *
     * @return the refusing response (status and headers)
     */
    public static java.net.http.HttpResponse<?> refusal(URI uri, java.util.Map<String, String> headers) throws Exception {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        headers.forEach(builder::header);
        try {
            WebSocket socket = builder.buildAsync(uri, new WebSocket.Listener() {
            }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            socket.abort();
            return fail("The handshake to " + uri + " was accepted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse();
            }
            throw e;
        }
    }

    /** A plain HTTP GET (HTTP/1.1, with the tests' timeout). @return the response */
    public static java.net.http.HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(uri).timeout(TIMEOUT).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Makes every read of this client skip the frames {@code frames} matches, those already received
     * included: for a test about something else, e.g. {@code ignoring(ChatFrames.NOTICES)}.
     *
     * @return this client
     */
    public WsClient ignoring(java.util.function.Predicate<String> frames) {
        this.ignored = frames;
        return this;
    }

    /** @return the next frame not ignored, or null when none arrives within {@code nanos} */
    private String poll(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            String frame = frames.poll(left, TimeUnit.NANOSECONDS);
            if (frame != null && !ignored.test(frame)) {
                return frame;
            }
        }
        return null;
    }

    public void send(String text) throws Exception {
        socket.sendText(text, true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    public void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** @return the next frame; fails the test if none arrives in time */
    public String next() throws InterruptedException {
        String frame = poll(TIMEOUT.toNanos());
        assertNotNull(frame, "no frame arrived within " + TIMEOUT);
        return frame;
    }

    /** @return the next {@code n} frames; fails the test if they do not all arrive in time */
    public java.util.List<String> next(int n) throws InterruptedException {
        java.util.List<String> received = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            received.add(next());
        }
        return received;
    }

    /** @return up to {@code n} frames, stopping early when none arrives for {@code quiet} */
    public java.util.List<String> nextUpTo(int n, Duration quiet) throws InterruptedException {
        java.util.List<String> received = new java.util.ArrayList<>(n);
        for (String frame; received.size() < n && (frame = nextWithin(quiet)) != null; ) {
            received.add(frame);
        }
        return received;
    }

    /** @return the next frame, or null when none arrives within the time given */
    public String nextWithin(Duration wait) throws InterruptedException {
        return poll(wait.toNanos());
    }

    /**
     * Reads frames until {@code expected} arrives, discarding the others.
     *
     * @return whether it arrived within the time given
     */
    public boolean awaitFrame(String expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (long left = within.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            String frame = poll(left);
            if (expected.equals(frame)) {
                return true;
            }
        }
        return false;
    }

    /** Asserts the next frame is exactly {@code expected}. */
    public void expect(String expected) throws InterruptedException {
        assertEquals(expected, next());
    }

    /**
     * Proves nothing else was queued for this client: sends a ping and asserts the very next frame is
     * its pong. Frames for one connection are delivered in order, so anything sent to this client
     * before the ping was answered would show up first.
     */
    public void expectNothingBeforePong() throws Exception {
        send("{\"type\":\"ping\"}");
        expect("{\"type\":\"pong\"}");
    }

    /** Closes normally and waits for the server's close frame. */
    @Override
    public void close() throws Exception {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                // The JDK client answers a server ping that arrives right after our close with a pong
                // it can no longer send, and reports that on the close it has already sent.
                if (!(e.getCause() instanceof java.io.IOException io && "Output closed".equals(io.getMessage()))) {
                    throw e;
                }
            }
        }
        try {
            closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            socket.abort();
        }
    }

    /** Drops the TCP connection without a close frame, as a network failure would. */
    public void abort() {
        socket.abort();
    }

    /** @return the WebSocket pings the server has sent this client so far */
    public int pings() {
        return pings.get();
    }

    /** @return whether at least {@code count} pings arrived within the time given (each is answered with a pong) */
    public boolean awaitPings(int count, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (pings.get() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    /** @return the close code the server sent; fails the test if the connection is not closed in time */
    public int awaitCloseCode() throws Exception {
        return closeCode.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** @return {@link System#nanoTime} when the server's close frame arrived, or 0 while none did */
    public long closedAtNanos() {
        return closedAtNanos;
    }

    private final class Collector implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
            pings.incrementAndGet();
            // The JDK answers every ping with a pong by itself; only demand is up to us.
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedAtNanos = System.nanoTime();
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
