package io.reflex.harness.nginx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters the patched NGINX writes to its {@code reflex_stats} file: {@code name value} lines
 * ({@code decisions}, {@code policy_decisions}, {@code policy_evictions}, {@code lru_evictions},
 * {@code fallback_<cause>}, {@code admission_asked}, {@code tick}, {@code rtt_count},
 * {@code rtt_sum_us}, ...), a few whose value is a word ({@code schema cold-rl-6|history-1},
 * {@code candidates lru|sampled}: {@link #text}), and one {@code rtt_hist_us c0 c1 ... c1000} line
 * (round trips of successful asks in 1 µs buckets, the last one for 1,000 µs and more). Every other
 * value must be a number. Immutable; equal when the file's text is.
 */
public final class ReflexStats {

    /** The lines whose value is a word. */
    private static final java.util.Set<String> TEXT_NAMES = java.util.Set.of("schema", "candidates");

    private final String text;
    private final Map<String, Long> values = new LinkedHashMap<>();
    private final Map<String, String> texts = new LinkedHashMap<>();
    private final long[] rttHistogram;

    private ReflexStats(String text, Path file) {
        this.text = text;
        long[] hist = new long[0];
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String[] f = line.trim().split("\\s+");
            if (f.length < 2) {
                continue;
            }
            try {
                if (f[0].equals("rtt_hist_us")) {
                    hist = new long[f.length - 1];
                    for (int i = 1; i < f.length; i++) {
                        hist[i - 1] = Long.parseLong(f[i]);
                    }
                } else if (f.length == 2 && TEXT_NAMES.contains(f[0])) {
                    texts.put(f[0], f[1]);
                } else if (f.length == 2) {
                    values.put(f[0], Long.parseLong(f[1]));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + lineNo + ": not a number in '" + line + "'");
            }
        }
        this.rttHistogram = hist;
    }

    /** Reads and parses {@code file}. */
    public static ReflexStats read(Path file) throws IOException {
        return new ReflexStats(Files.readString(file, StandardCharsets.UTF_8), file);
    }

    /** The counter {@code name}, or 0 when the file has no such line. */
    public long get(String name) {
        return values.getOrDefault(name, 0L);
    }

    /** The word on line {@code name} ({@code schema}, {@code candidates}), or null when there is none. */
    public String text(String name) {
        return texts.get(name);
    }

    /** Every fallback, all causes ({@code fallback_*}). */
    public long fallbacks() {
        return values.entrySet().stream().filter(e -> e.getKey().startsWith("fallback_")).mapToLong(Map.Entry::getValue).sum();
    }

    /** Evictions, by the policy and by the LRU rule. */
    public long evictions() {
        return get("policy_evictions") + get("lru_evictions");
    }

    /** Round trips counted in the histogram. */
    public long roundTrips() {
        long n = 0;
        for (long c : rttHistogram) {
            n += c;
        }
        return n;
    }

    /**
     * The round-trip percentile in µs from the histogram (the bucket holding the q-th sample; 1,000
     * means "1,000 µs or more"), or -1 without samples.
     */
    public long roundTripPercentileUs(double q) {
        return percentile(q, 0);
    }

    /**
     * The round-trip percentile in µs over every attempt that reached the socket: the histogram's
     * completed round trips plus those that ran out of time ({@code fallback_timeout}), which count
     * as "1,000 µs or more" (the histogram's last bucket). This is the honest tail: a percentile of
     * completed round trips alone would leave the slowest ones out. -1 without samples.
     */
    public long attemptPercentileUs(double q) {
        return percentile(q, get("fallback_timeout"));
    }

    /** The q-th percentile bucket of the histogram with {@code beyond} more samples past its end. */
    private long percentile(double q, long beyond) {
        long total = roundTrips() + beyond;
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < rttHistogram.length; i++) {
            seen += rttHistogram[i];
            if (seen >= rank && rttHistogram[i] > 0) {
                return i;
            }
        }
        return Math.max(0, rttHistogram.length - 1);
    }

    /** The counters as read (name to value). */
    public Map<String, Long> values() {
        return Map.copyOf(values);
    }

    /** The difference {@code this - earlier}, counter by counter (for a measured interval); words as in this one. */
    public ReflexStats minus(ReflexStats earlier) {
        StringBuilder b = new StringBuilder();
        texts.forEach((name, word) -> b.append(name).append(' ').append(word).append('\n'));
        for (Map.Entry<String, Long> e : values.entrySet()) {
            b.append(e.getKey()).append(' ').append(e.getValue() - earlier.get(e.getKey())).append('\n');
        }
        b.append("rtt_hist_us");
        for (int i = 0; i < rttHistogram.length; i++) {
            b.append(' ').append(rttHistogram[i] - (i < earlier.rttHistogram.length ? earlier.rttHistogram[i] : 0));
        }
        return new ReflexStats(b.append('\n').toString(), Path.of("(difference)"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReflexStats s && s.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
