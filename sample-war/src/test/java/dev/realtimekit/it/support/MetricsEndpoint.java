package dev.realtimekit.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** MicroProfile Metrics' Prometheus endpoint of a server ({@code /metrics}), read over HTTP and split into series. */
public final class MetricsEndpoint {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One scrape: the whole text, and each series (name and labels, as printed) with its value. */
    public record Scrape(String text, Map<String, Double> series) {

        /** @return the value of the one series whose text starts with {@code name} and contains every label given, or 0 */
        public double value(String name, String... labels) {
            double found = 0;
            int matches = 0;
            for (Map.Entry<String, Double> entry : series.entrySet()) {
                if (matchesName(entry.getKey(), name) && containsAll(entry.getKey(), labels)) {
                    found = entry.getValue();
                    matches++;
                }
            }
            if (matches > 1) {
                throw new IllegalArgumentException(matches + " series match " + name + " " + String.join(",", labels) + ":\n" + text);
            }
            return found;
        }

        /** @return the series of the kit's own instruments */
        public Map<String, Double> kitSeries() {
            Map<String, Double> kit = new TreeMap<>();
            series.forEach((key, value) -> {
                if (key.startsWith("realtime_")) {
                    kit.put(key, value);
                }
            });
            return kit;
        }

        private static boolean matchesName(String series, String name) {
            return series.equals(name) || series.startsWith(name + "{");
        }

        private static boolean containsAll(String series, String... labels) {
            for (String label : labels) {
                if (!series.contains(label)) {
                    return false;
                }
            }
            return true;
        }
    }

    private MetricsEndpoint() {
    }

    /** @return the application scope's metrics of the server on {@code it.http.port} */
    public static Scrape application() throws Exception {
        return scrape(Integer.parseInt(System.getProperty("it.http.port")), "/metrics?scope=application");
    }

    /** @return a scrape of {@code path}; fails unless the answer is 200 */
    public static Scrape scrape(int port, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        Map<String, Double> series = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1).trim()));
        }
        return new Scrape(response.body(), series);
    }
}
