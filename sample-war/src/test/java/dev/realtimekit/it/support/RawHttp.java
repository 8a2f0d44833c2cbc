package dev.realtimekit.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a real client library would normalize or refuse to
 * send: encoded slashes, {@code ..}, bad percent-encodings, odd methods. The request target is sent
 * byte for byte as given; unless the headers say otherwise ({@code Connection: Upgrade}), the request
 * asks the server to close the connection afterwards.
 */
public final class RawHttp {

    private static final int TIMEOUT_MS = 15_000;

    private RawHttp() {
    }

    /** A response: status, headers (names lower-cased), body decoded as ISO-8859-1 (every byte kept). */
    public record Response(int status, Map<String, String> headers, String body) {
        @Override
        public String toString() {
            return status + " " + headers + " body=[" + body + "]";
        }
    }

    /**
     * @param server the server's base URL (only host and port are used)
     * @param method e.g. {@code GET}
     * @param target the request target exactly as it goes on the wire, e.g. {@code /chat/ws/..%2Fx}
     * @param headers extra header lines without line ends, e.g. {@code "Upgrade: websocket"}
     */
    public static Response request(URL server, String method, String target, String... headers) throws IOException {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(server.getHost()).append(':').append(server.getPort()).append("\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        if (!request.toString().toLowerCase(Locale.ROOT).contains("\r\nconnection:")) {
            request.append("Connection: close\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            headers.merge(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] body;
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = chunked(in);
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes(); // Connection: close ends the body
        }
        return new Response(status, headers, new String(body, StandardCharsets.ISO_8859_1));
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
            body.write(in.readNBytes(size));
            line(in); // the CRLF after the chunk
        }
        return body.toByteArray();
    }

    private static int chunkSize(InputStream in) throws IOException {
        String size = line(in);
        int semicolon = size.indexOf(';');
        return Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed in the middle of a line: " + line);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
