package io.reflex.trainer.cache.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report of a learned-eviction run ({@code ./reflex quickstart}): per workload, the results
 * table (the learned policy highlighted, the best classical policy per size marked, a row of the
 * learned policy's difference to it, Belady marked as the clairvoyant bound) and hit ratio by cache
 * size; then the training curve when there is one, the histogram of whole eviction-decision
 * latencies on log-scale bins, and how to reproduce the run. One self-contained file with inline
 * SVG. Stateless and thread-safe.
 */
public final class EvictionReport {

    /** The learned policy's name in rows. */
    private static final String REFLEX = "reflex";
    /** Latency histogram bins per doubling. */
    private static final int BINS_PER_OCTAVE = 4;

    /** One policy's hit ratios per size (same order as the sizes). */
    public record Row(String policy, double[] hitRatio, double[] byteHitRatio) {
    }

    /**
     * One workload's results.
     *
     * @param title   its heading (the workload's name)
     * @param summary what was trained and evaluated on it (plain text)
     * @param sizes   size labels
     * @param rows    one per policy; the one named {@code reflex} is the learned policy
     */
    public record Section(String title, String summary, List<String> sizes, List<Row> rows) {
        public Section {
            sizes = List.copyOf(sizes);
            rows = List.copyOf(rows);
        }
    }

    private EvictionReport() {
    }

    /**
     * Writes the report to {@code file} (its directory is created).
     *
     * @param intro     a short paragraph of what ran (plain text)
     * @param sections  one per workload
     * @param curve     training curve points {@code {step, loss, mean Q}} (empty: no training section)
     * @param latencies decision latencies in nanoseconds
     * @param footer    how to reproduce the run: command, version, date (plain text)
     */
    public static void write(Path file, String intro, List<Section> sections, List<double[]> curve, long[] latencies,
                             String footer) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Reflex: learned eviction</title><style>")
                .append("body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}tr.reflex{background:#e8f4ff;font-weight:bold}")
                .append("tr.diff td{font-style:italic}tr.oracle td{color:#777}")
                .append(".best{text-decoration:underline}</style></head><body>");
        html.append("<h1>Reflex: learned cache eviction</h1><p>").append(SvgCharts.escape(intro)).append("</p>");
        for (Section s : sections) {
            section(html, s);
        }
        html.append("<p>Classical policies: every row but <b>reflex</b> (the exported model run by the engine) and "
                + "<b>belady</b>, the clairvoyant bound (it knows every future request; no real cache can reach it). "
                + "Underlined: the best classical policy at that size. Hit ratio first, byte hit ratio in brackets.</p>");
        if (!curve.isEmpty()) {
            training(html, curve);
        }
        if (latencies.length > 0) {
            latency(html, latencies);
        }
        html.append("<h2>Reproduce</h2><p><code>").append(SvgCharts.escape(footer)).append("</code></p>");
        html.append("</body></html>\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html.toString());
    }

    private static boolean classical(String policy) {
        return !policy.equals(REFLEX) && !policy.startsWith("belady");
    }

    private static void section(StringBuilder html, Section s) {
        List<String> sizes = s.sizes();
        html.append("<h2>").append(SvgCharts.escape(s.title())).append("</h2><p>").append(SvgCharts.escape(s.summary()))
                .append("</p><table><tr><th>policy</th>");
        for (String size : sizes) {
            html.append("<th>").append(SvgCharts.escape(size)).append("</th>");
        }
        html.append("</tr>");
        double[] bestClassical = new double[sizes.size()];
        double[] reflex = null;
        for (Row r : s.rows()) {
            if (classical(r.policy())) {
                for (int i = 0; i < sizes.size(); i++) {
                    bestClassical[i] = Math.max(bestClassical[i], r.hitRatio()[i]);
                }
            } else if (r.policy().equals(REFLEX)) {
                reflex = r.hitRatio();
            }
        }
        for (Row r : s.rows()) {
            String css = r.policy().equals(REFLEX) ? " class='reflex'" : classical(r.policy()) ? "" : " class='oracle'";
            String name = classical(r.policy()) || r.policy().equals(REFLEX) ? r.policy() : r.policy() + " (oracle)";
            html.append("<tr").append(css).append("><td>").append(SvgCharts.escape(name)).append("</td>");
            for (int i = 0; i < sizes.size(); i++) {
                boolean best = classical(r.policy()) && r.hitRatio()[i] == bestClassical[i];
                html.append(best ? "<td class='best'>" : "<td>").append(String.format(Locale.ROOT, "%.4f (%.4f)",
                        r.hitRatio()[i], r.byteHitRatio()[i])).append("</td>");
            }
            html.append("</tr>");
        }
        if (reflex != null) {
            html.append("<tr class='diff'><td>reflex &minus; best classical</td>");
            for (int i = 0; i < sizes.size(); i++) {
                html.append("<td>").append(String.format(Locale.ROOT, "%+.2f points",
                        100 * (reflex[i] - bestClassical[i]))).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        List<SvgCharts.Series> series = new ArrayList<>();
        for (Row r : s.rows()) {
            series.add(new SvgCharts.Series(r.policy(), r.hitRatio(), r.policy().equals(REFLEX)));
        }
        html.append(SvgCharts.lines(s.title() + ": hit ratio by cache size (reflex in bold black)", "cache size",
                "hit ratio", sizes, series));
    }

    private static void training(StringBuilder html, List<double[]> curve) {
        List<String> steps = new ArrayList<>();
        double[] loss = new double[curve.size()];
        double[] q = new double[curve.size()];
        for (int i = 0; i < curve.size(); i++) {
            steps.add(String.format(Locale.ROOT, "%.0f", curve.get(i)[0]));
            loss[i] = curve.get(i)[1];
            q[i] = curve.get(i)[2];
        }
        List<String> sparse = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            sparse.add(i % Math.max(1, steps.size() / 8) == 0 || i == steps.size() - 1 ? steps.get(i) : "");
        }
        html.append("<h2>Training</h2>")
                .append(SvgCharts.lines("TD loss (Huber) per gradient step", "gradient step", "loss", sparse,
                        List.of(new SvgCharts.Series("loss", loss, true))))
                .append(SvgCharts.lines("Mean Q of the logged action", "gradient step", "Q", sparse,
                        List.of(new SvgCharts.Series("mean Q", q, false))));
    }

    /**
     * Decision latencies on log-scale bins ({@value #BINS_PER_OCTAVE} per doubling, from the fastest
     * decision to the p99.9): a linear scale puts nearly every decision into its first bar.
     */
    private static void latency(StringBuilder html, long[] latencies) {
        long[] sorted = latencies.clone();
        Arrays.sort(sorted);
        long p50 = sorted[sorted.length / 2];
        long p99 = sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
        long top = Math.max(1, sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.999))]);
        double low = Math.max(1, sorted[0]);
        int bins = Math.max(1, (int) Math.ceil(BINS_PER_OCTAVE * Math.log(top / low) / Math.log(2)) + 1);
        double[] counts = new double[bins];
        for (long l : sorted) {
            double octaves = Math.log(Math.max(low, l) / low) / Math.log(2);
            counts[(int) Math.min(bins - 1, Math.floor(octaves * BINS_PER_OCTAVE))]++;
        }
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < bins; i++) {
            labels.add(String.format(Locale.ROOT, "%.1f", low * Math.pow(2, (double) i / BINS_PER_OCTAVE) / 1000));
        }
        html.append("<h2>Decision latency</h2><p>").append(String.format(Locale.ROOT,
                        "Whole eviction decisions in the engine (features, inference, victim), measured inside the "
                                + "simulator: %,d samples, p50 %,d ns, p99 %,d ns. Bins grow by a quarter octave (x%.2f) "
                                + "each; the last holds everything from the p99.9 up.",
                        sorted.length, p50, p99, Math.pow(2, 1.0 / BINS_PER_OCTAVE))).append("</p>")
                .append(SvgCharts.bars("Decision latency (log-scale bins)", "microseconds (bin start)", "decisions",
                        labels, counts));
    }
}
