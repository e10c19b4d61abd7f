package io.reflex.trainer.cache.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report of a learned-eviction run ({@code ./reflex quickstart}): the results table (the
 * learned policy highlighted, the best non-clairvoyant baseline per size marked), hit ratio by cache
 * size, the training curve, and the histogram of whole eviction-decision latencies. One
 * self-contained file with inline SVG. Stateless and thread-safe.
 */
public final class EvictionReport {

    /** One policy's mean hit ratios per size (same order as the sizes), over the held-out seeds. */
    public record Row(String policy, double[] hitRatio, double[] byteHitRatio) {
    }

    private EvictionReport() {
    }

    /**
     * Writes the report to {@code file} (its directory is created).
     *
     * @param summary    a short paragraph of what ran (plain text)
     * @param sizes      size labels
     * @param rows       one per policy; the one named {@code reflex} is the learned policy
     * @param curve      training curve points {@code {step, loss, mean Q}}
     * @param latencies  decision latencies in nanoseconds
     */
    public static void write(Path file, String summary, List<String> sizes, List<Row> rows, List<double[]> curve,
                             long[] latencies) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Reflex: learned eviction</title><style>")
                .append("body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}tr.reflex{background:#e8f4ff;font-weight:bold}")
                .append(".best{text-decoration:underline}</style></head><body>");
        html.append("<h1>Reflex: learned cache eviction</h1><p>").append(SvgCharts.escape(summary)).append("</p>");
        html.append("<h2>Hit ratio (byte hit ratio), mean over held-out seeds</h2><table><tr><th>policy</th>");
        for (String s : sizes) {
            html.append("<th>").append(SvgCharts.escape(s)).append("</th>");
        }
        html.append("</tr>");
        double[] bestClassical = new double[sizes.size()];
        for (Row r : rows) {
            if (!r.policy().equals("reflex") && !r.policy().startsWith("belady")) {
                for (int i = 0; i < sizes.size(); i++) {
                    bestClassical[i] = Math.max(bestClassical[i], r.hitRatio()[i]);
                }
            }
        }
        for (Row r : rows) {
            html.append(r.policy().equals("reflex") ? "<tr class='reflex'>" : "<tr>").append("<td>")
                    .append(SvgCharts.escape(r.policy())).append("</td>");
            for (int i = 0; i < sizes.size(); i++) {
                boolean best = !r.policy().startsWith("belady") && !r.policy().equals("reflex")
                        && r.hitRatio()[i] == bestClassical[i];
                html.append(best ? "<td class='best'>" : "<td>").append(String.format(Locale.ROOT, "%.4f (%.4f)",
                        r.hitRatio()[i], r.byteHitRatio()[i])).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table><p>Underlined: the best classical (non-clairvoyant) policy at that size.</p>");
        List<SvgCharts.Series> series = new ArrayList<>();
        for (Row r : rows) {
            series.add(new SvgCharts.Series(r.policy(), r.hitRatio(), r.policy().equals("reflex")));
        }
        html.append("<h2>Hit ratio by cache size</h2>")
                .append(SvgCharts.lines("Hit ratio by cache size (reflex in bold black)", "cache size", "hit ratio",
                        sizes, series));
        if (!curve.isEmpty()) {
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
        if (latencies.length > 0) {
            long[] sorted = latencies.clone();
            java.util.Arrays.sort(sorted);
            long p50 = sorted[sorted.length / 2];
            long p99 = sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
            long top = sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * 0.999))];
            int bins = 30;
            double width = Math.max(1, (double) top / bins);
            double[] counts = new double[bins];
            List<String> labels = new ArrayList<>();
            for (long l : sorted) {
                counts[(int) Math.min(bins - 1, l / width)]++;
            }
            for (int i = 0; i < bins; i++) {
                labels.add(String.format(Locale.ROOT, "%.1f", i * width / 1000));
            }
            html.append("<h2>Decision latency</h2><p>").append(String.format(Locale.ROOT,
                    "Whole eviction decisions in the engine (features, inference under the runtime's guard, victim mask), "
                            + "measured inside the simulator: %,d samples, p50 %,d ns, p99 %,d ns (bins up to p99.9).",
                    sorted.length, p50, p99)).append("</p>")
                    .append(SvgCharts.bars("Decision latency", "microseconds (bin start)", "decisions", labels, counts));
        }
        html.append("</body></html>\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html.toString());
    }
}
