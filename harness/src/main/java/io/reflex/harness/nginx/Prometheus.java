package io.reflex.harness.nginx;

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
     * The cumulative buckets of histogram {@code name} ({@code name_bucket{le="..."}}), upper bound
     * to count, merged into {@code into} (added to what it holds); returns it.
     */
    public static java.util.TreeMap<Double, Double> buckets(String text, String name, java.util.TreeMap<Double, Double> into) {
        String prefix = name + "_bucket{";
        for (String line : text.split("\n")) {
            if (!line.startsWith(prefix)) {
                continue;
            }
            int le = line.indexOf("le=\"");
            if (le < 0) {
                continue;
            }
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            into.merge(upper, count, Double::sum);
        }
        return into;
    }

    /**
     * The upper bound of the bucket holding the q-th sample of cumulative {@code buckets}, or NaN
     * without samples.
     */
    public static double percentile(java.util.TreeMap<Double, Double> buckets, double q) {
        if (buckets.isEmpty()) {
            return Double.NaN;
        }
        double total = buckets.lastEntry().getValue();
        if (total == 0) {
            return Double.NaN;
        }
        for (java.util.Map.Entry<Double, Double> e : buckets.entrySet()) {
            if (e.getValue() >= q * total) {
                return e.getKey();
            }
        }
        return Double.POSITIVE_INFINITY;
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
