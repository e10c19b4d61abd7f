package io.reflex.sidecar.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads counters from a Prometheus text page (the sidecar's {@code /metrics}). Stateless. */
public final class Prometheus {

    private Prometheus() {
    }

    /** Fetches {@code http://127.0.0.1:PORT/metrics}. */
    public static String scrape(int port) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("metrics endpoint on port " + port + " answered " + r.statusCode());
            }
            return r.body();
        }
    }

    /**
     * The sum of the samples of {@code name} whose label set contains every one of {@code labels}
     * (each written {@code key="value"}); 0 when none.
     */
    public static double sum(String text, String name, String... labels) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            String rest = line.substring(name.length());
            if (!rest.startsWith("{") && !rest.startsWith(" ")) {
                continue;
            }
            boolean all = true;
            for (String l : labels) {
                all &= rest.contains(l);
            }
            if (all) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
