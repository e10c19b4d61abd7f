package io.reflex.trainer.cache.report;

import io.reflex.trainer.cache.policy.PolicyCatalog;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The HTML report of a learned-eviction run ({@code ./reflex quickstart}). Per workload: the results
 * table (the learned policy highlighted, the best classical policy per size underlined, a row of the
 * learned policy's difference to it, Belady marked as the clairvoyant bound), the same comparison for
 * each held-out trace when there are several, and hit ratio by cache size (see {@link HitRatioChart}).
 * Then the baselines, one sentence each; the training curve when there is one; the histogram of whole
 * eviction-decision latencies on log-scale bins, in microseconds; and how to reproduce the run. One
 * self-contained file: every chart is drawn by XChart and inlined as SVG, with no script, style sheet
 * or image to fetch. Stateless and thread-safe.
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
     * One held-out trace's own results, when a workload's table is a mean over several.
     *
     * @param name what tells it apart, e.g. {@code seed 2}
     * @param rows one per policy, as in the section
     */
    public record HeldOut(String name, List<Row> rows) {
        public HeldOut {
            rows = List.copyOf(rows);
        }
    }

    /**
     * One workload's results.
     *
     * @param title   its heading (the workload's name)
     * @param summary what was trained and evaluated on it (plain text)
     * @param sizes   size labels
     * @param rows    one per policy; the one named {@code reflex} is the learned policy
     * @param heldOut each held-out trace's rows when {@code rows} are their mean (a table per trace is
     *                shown when there are two or more); empty otherwise
     */
    public record Section(String title, String summary, List<String> sizes, List<Row> rows, List<HeldOut> heldOut) {
        public Section {
            sizes = List.copyOf(sizes);
            rows = List.copyOf(rows);
            heldOut = List.copyOf(heldOut);
        }

        /** A section evaluated on one trace. */
        public Section(String title, String summary, List<String> sizes, List<Row> rows) {
            this(title, summary, sizes, rows, List.of());
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
        html.append("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>")
                .append("<meta name='viewport' content='width=device-width, initial-scale=1'>")
                .append("<title>Reflex: learned eviction</title><style>")
                .append("body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222;"
                        + "line-height:1.45}")
                .append("table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:4px 10px;"
                        + "text-align:right}")
                .append("td:first-child,th:first-child{text-align:left}tr.reflex{background:#e8f0ff;font-weight:bold}")
                .append("tr.diff td{font-style:italic}tr.oracle td{color:#777}.best{text-decoration:underline}")
                .append("figure{margin:1em 0 2em}figcaption{color:#555;font-size:.9em}")
                .append("dt{font-weight:bold;font-family:monospace}dd{margin:0 0 .4em 1.5em}")
                .append("code{background:#f4f4f4;padding:2px 4px}</style></head><body>");
        html.append("<h1>Reflex: learned cache eviction</h1><p>").append(Html.escape(intro)).append("</p>");
        int chart = 0;
        for (Section s : sections) {
            section(html, s, "chart" + chart++);
        }
        baselines(html, sections);
        if (!curve.isEmpty()) {
            training(html, curve);
        }
        if (latencies.length > 0) {
            latency(html, latencies);
        }
        html.append("<h2>Reproduce</h2><p><code>").append(Html.escape(footer)).append("</code></p>");
        html.append("</body></html>\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html.toString());
    }

    private static boolean classical(String policy) {
        return HitRatioChart.classical(policy);
    }

    /** The best classical hit ratio at each size ({@code 0} where there is none). */
    private static double[] bestClassical(List<Row> rows, int sizes) {
        double[] best = new double[sizes];
        for (Row r : rows) {
            for (int i = 0; classical(r.policy()) && i < sizes; i++) {
                best[i] = Math.max(best[i], r.hitRatio()[i]);
            }
        }
        return best;
    }

    private static void section(StringBuilder html, Section s, String chartId) {
        List<String> sizes = s.sizes();
        html.append("<h2>").append(Html.escape(s.title())).append("</h2><p>").append(Html.escape(s.summary()))
                .append("</p><table><tr><th>policy</th>");
        for (String size : sizes) {
            html.append("<th>").append(Html.escape(size)).append("</th>");
        }
        html.append("</tr>");
        double[] bestClassical = bestClassical(s.rows(), sizes.size());
        double[] reflex = null;
        for (Row r : s.rows()) {
            if (r.policy().equals(REFLEX)) {
                reflex = r.hitRatio();
            }
        }
        for (Row r : s.rows()) {
            String css = r.policy().equals(REFLEX) ? " class='reflex'" : classical(r.policy()) ? "" : " class='oracle'";
            String name = classical(r.policy()) || r.policy().equals(REFLEX) ? r.policy() : r.policy() + " (oracle)";
            html.append("<tr").append(css).append("><td>").append(Html.escape(name)).append("</td>");
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
                html.append("<td>").append(points(reflex[i] - bestClassical[i])).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        if (s.heldOut().size() > 1) {
            heldOut(html, s);
        }
        Map<String, double[]> byPolicy = new LinkedHashMap<>();
        for (Row r : s.rows()) {
            byPolicy.put(r.policy(), r.hitRatio());
        }
        String title = s.title() + ": hit ratio by cache size";
        html.append("<figure>").append(InlineSvg.element(HitRatioChart.chart(title, "hit ratio", sizes, byPolicy),
                        chartId, title))
                .append("<figcaption>Blue: reflex. Orange diamonds: the best classical policy at each size, named. "
                        + "Grey: the other classical policies. Dashed black: belady, the clairvoyant bound."
                        + "</figcaption></figure>");
    }

    /** Reflex against the best classical policy (and the bound) on each held-out trace, per size. */
    private static void heldOut(StringBuilder html, Section s) {
        html.append("<h3>Each held-out trace</h3><table><tr><th>held-out trace</th><th>size</th><th>reflex</th>")
                .append("<th>best classical</th><th>reflex &minus; best classical</th><th>belady (oracle)</th></tr>");
        for (HeldOut h : s.heldOut()) {
            for (int i = 0; i < s.sizes().size(); i++) {
                Row reflex = null;
                Row best = null;
                Row belady = null;
                for (Row r : h.rows()) {
                    if (r.policy().equals(REFLEX)) {
                        reflex = r;
                    } else if (r.policy().equals("belady")) {
                        belady = r;
                    } else if (classical(r.policy()) && (best == null || r.hitRatio()[i] > best.hitRatio()[i])) {
                        best = r;
                    }
                }
                html.append("<tr><td>").append(Html.escape(h.name())).append("</td><td>")
                        .append(Html.escape(s.sizes().get(i))).append("</td><td>").append(ratio(reflex, i))
                        .append("</td><td>").append(ratio(best, i))
                        .append(best == null ? "" : " " + Html.escape(best.policy())).append("</td><td>")
                        .append(reflex == null || best == null ? "&ndash;"
                                : points(reflex.hitRatio()[i] - best.hitRatio()[i]))
                        .append("</td><td>").append(ratio(belady, i)).append("</td></tr>");
            }
        }
        html.append("</table>");
    }

    private static String ratio(Row r, int i) {
        return r == null ? "&ndash;" : String.format(Locale.ROOT, "%.4f", r.hitRatio()[i]);
    }

    private static String points(double difference) {
        return String.format(Locale.ROOT, "%+.2f points", 100 * difference);
    }

    /** Each policy in the tables, one sentence each, learned and clairvoyant ones included. */
    private static void baselines(StringBuilder html, List<Section> sections) {
        Set<String> policies = new LinkedHashSet<>();
        for (Section s : sections) {
            for (Row r : s.rows()) {
                policies.add(r.policy());
            }
        }
        html.append("<h2>The policies</h2><p>Every row but <b>reflex</b> and the oracles is a classical policy a "
                + "real cache can run. Underlined in the tables: the best classical policy at that size; hit ratio "
                + "first, byte hit ratio in brackets.</p><dl>");
        for (String p : policies) {
            String sentence = p.equals(REFLEX)
                    ? "The learned policy: the exported ONNX model, loaded by the engine and run by its eviction loop "
                            + "on data it was not trained on."
                    : PolicyCatalog.isKnown(p) ? PolicyCatalog.describe(p) : null;
            if (sentence != null) {
                html.append("<dt>").append(Html.escape(p)).append("</dt><dd>").append(Html.escape(sentence))
                        .append("</dd>");
            }
        }
        html.append("</dl>");
    }

    private static void training(StringBuilder html, List<double[]> curve) {
        double[] steps = new double[curve.size()];
        double[] loss = new double[curve.size()];
        double[] q = new double[curve.size()];
        for (int i = 0; i < curve.size(); i++) {
            steps[i] = curve.get(i)[0];
            loss[i] = curve.get(i)[1];
            q[i] = curve.get(i)[2];
        }
        html.append("<h2>Training</h2>")
                .append(line("TD loss (Huber) per gradient step", "loss", steps, loss, "training-loss"))
                .append(line("Mean Q of the logged action", "Q", steps, q, "training-q"));
    }

    private static String line(String title, String yTitle, double[] x, double[] y, String id) {
        XYChart chart = new XYChartBuilder().width(HitRatioChart.WIDTH).height(340).title(title)
                .xAxisTitle("gradient step").yAxisTitle(yTitle).build();
        ChartStyle.apply(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        XYSeries s = chart.addSeries(yTitle, x, y);
        s.setLineColor(ChartStyle.PLAIN);
        s.setMarker(SeriesMarkers.NONE);
        return "<figure>" + InlineSvg.element(chart, id, title) + "</figure>";
    }

    /**
     * Decision latencies on log-scale bins ({@value #BINS_PER_OCTAVE} per doubling, from the fastest
     * decision to the p99.9): a linear scale puts nearly every decision into its first bar. Drawn as
     * steps over a logarithmic axis in microseconds, so every bin is as wide as the next; p50 and p99
     * are marked, and the text gives the p99.9 and the slowest.
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
        double[] edges = new double[bins + 1];   // microseconds; the last closes the last bin
        double[] heights = new double[bins + 1];
        for (int i = 0; i <= bins; i++) {
            edges[i] = low * Math.pow(2, (double) i / BINS_PER_OCTAVE) / 1000;
            heights[i] = i < bins ? counts[i] : 0;
        }
        String title = "Decision latency (log-scale bins, µs)";
        XYChart chart = new XYChartBuilder().width(HitRatioChart.WIDTH).height(400).title(title)
                .xAxisTitle("latency of one eviction decision, µs (log scale)").yAxisTitle("decisions").build();
        XYStyler styler = chart.getStyler();
        ChartStyle.apply(styler);
        styler.setLegendVisible(false);
        styler.setXAxisLogarithmic(true);
        styler.setXAxisLogarithmicDecadeOnly(edges[bins] / edges[0] > 30);   // else 1-2-3… labels crowd
        styler.setXAxisDecimalPattern("#,##0.##");
        styler.setYAxisDecimalPattern("#,##0");
        double peak = Arrays.stream(counts).max().orElse(1);
        styler.setYAxisMin(0.0);
        styler.setYAxisMax(peak * 1.15);
        XYSeries series = chart.addSeries("decisions", edges, heights);
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
        series.setLineColor(ChartStyle.PLAIN);
        series.setFillColor(ChartStyle.PLAIN);
        series.setMarker(SeriesMarkers.NONE);
        styler.setAnnotationTextFontColor(ChartStyle.BEST);
        styler.setAnnotationLineColor(ChartStyle.BEST);
        long[][] marks = {{50, p50}, {99, p99}};
        for (int m = 0; m < marks.length; m++) {
            double x = Math.max(edges[0], marks[m][1] / 1000.0);
            chart.addAnnotation(new AnnotationLine(x, true, false));
            chart.addAnnotation(new AnnotationText("p" + marks[m][0] + " " + micros(marks[m][1] / 1000.0) + " µs", x,
                    peak * (m == 0 ? 1.08 : 0.9), false));
        }
        html.append("<h2>Decision latency</h2><p>").append(String.format(Locale.ROOT,
                        "Whole eviction decisions in the engine (features, inference, victim), measured inside the "
                                + "simulator: %,d samples; p50 %s µs, p99 %s µs, p99.9 %s µs, slowest %s µs. Bins grow "
                                + "by a quarter octave (×%.2f) each; the last holds everything from the p99.9 up.",
                        sorted.length, micros(p50 / 1000.0), micros(p99 / 1000.0), micros(top / 1000.0),
                        micros(sorted[sorted.length - 1] / 1000.0), Math.pow(2, 1.0 / BINS_PER_OCTAVE)))
                .append("</p>")
                .append("<figure>").append(InlineSvg.element(chart, "latency", title)).append("</figure>");
    }

    private static String micros(double us) {
        return us >= 100 ? String.format(Locale.ROOT, "%,.0f", us)
                : us >= 10 ? String.format(Locale.ROOT, "%.1f", us) : String.format(Locale.ROOT, "%.2f", us);
    }
}
