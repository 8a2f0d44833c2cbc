package dev.realtimekit.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** MicroProfile Health's endpoints of the test server ({@code /health/ready}, {@code /health/live}), read over HTTP. */
public final class HealthEndpoint {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One answer: its HTTP status (200 UP, 503 DOWN) and its JSON body. */
    public record Answer(int status, String body, long receivedNanos) {
        public boolean up() {
            return status == 200;
        }

        /** @return the raw JSON value of a data key of the kit's check ({@code "redis"}, {@code 2}, {@code true}), or null */
        public String data(String key) {
            Matcher matcher = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(\"[^\"]*\"|[^,}\\s]+)").matcher(body);
            return matcher.find() ? matcher.group(1) : null;
        }

        public long number(String key) {
            String value = data(key);
            return value == null ? -1 : Long.parseLong(value);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private HealthEndpoint() {
    }

    public static Answer ready() throws Exception {
        return get("/health/ready");
    }

    public static Answer live() throws Exception {
        return get("/health/live");
    }

    private static Answer get(String path) throws Exception {
        URI uri = URI.create("http://localhost:" + System.getProperty("it.http.port") + path);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), System.nanoTime());
    }
}
