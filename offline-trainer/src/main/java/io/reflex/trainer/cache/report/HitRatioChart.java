package io.reflex.trainer.cache.report;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationResult;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Hit ratio by cache size, one line per policy over the sizes (in the order given, evenly spaced),
 * drawn with XChart and exported as SVG.
 * <ul>
 *   <li>With a learned policy among them (a name starting with {@code reflex}): the learned line
 *       thick and coloured, on top; the best classical policy at each size marked and named; every
 *       other classical policy thin grey, under one legend entry, since eleven look-alike coloured
 *       lines hide the one comparison that matters.</li>
 *   <li>Without one ({@code ./reflex simulate --report}): one colour and marker per policy.</li>
 *   <li>Either way clairvoyant references ({@code belady*}) are dashed, labelled as oracles.</li>
 * </ul>
 * {@link #write} puts {@code hit-ratio.svg} (and {@code byte-hit-ratio.svg}) beside the exact
 * numbers in {@code results.csv}. Stateless and thread-safe.
 */
public final class HitRatioChart {

    /** File name of the hit-ratio chart. */
    public static final String HIT_RATIO_FILE = "hit-ratio.svg";
    /** File name of the byte-hit-ratio chart. */
    public static final String BYTE_HIT_RATIO_FILE = "byte-hit-ratio.svg";
    /** File name of the numbers behind the charts. */
    public static final String RESULTS_FILE = "results.csv";

    static final int WIDTH = 900;
    static final int HEIGHT = 460;

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
        new Color(0x393b79), new Color(0xad494a), new Color(0x637939), new Color(0x8c6d31)};
    private static final Marker[] MARKERS = {SeriesMarkers.CIRCLE, SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS,
        SeriesMarkers.OVAL, SeriesMarkers.RECTANGLE};
    private static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
            new float[] {7f, 5f}, 0f);

    private HitRatioChart() {
    }

    /** Whether {@code policy} is a learned one (drawn apart). */
    static boolean learned(String policy) {
        return policy.startsWith("reflex");
    }

    /** Whether {@code policy} is a clairvoyant reference. */
    static boolean oracle(String policy) {
        return policy.startsWith("belady");
    }

    /** Whether {@code policy} is a classical (deployable, not learned) policy. */
    static boolean classical(String policy) {
        return !learned(policy) && !oracle(policy);
    }

    /**
     * Writes the chart(s) and {@code results.csv} into {@code directory} (created if needed) and
     * returns their paths, the hit-ratio chart first.
     *
     * @param title     chart title (the trace name)
     * @param results   one result per (policy, size)
     * @param byteChart whether to also draw byte hit ratio
     */
    public static List<Path> write(Path directory, String title, List<SimulationResult> results, boolean byteChart)
            throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        Path hit = directory.resolve(HIT_RATIO_FILE);
        Files.writeString(hit, InlineSvg.document(chart("Hit ratio by cache size: " + title, "hit ratio",
                labels(results), values(results, SimulationResult::hitRatio))));
        written.add(hit);
        if (byteChart) {
            Path bytes = directory.resolve(BYTE_HIT_RATIO_FILE);
            Files.writeString(bytes, InlineSvg.document(chart("Byte hit ratio by cache size: " + title,
                    "byte hit ratio", labels(results), values(results, SimulationResult::byteHitRatio))));
            written.add(bytes);
        }
        StringBuilder csv = new StringBuilder("policy,size,hit_ratio,byte_hit_ratio,requests_per_sec\n");
        for (SimulationResult r : results) {
            csv.append(r.policy()).append(',').append(r.capacity().label()).append(',').append(r.hitRatio()).append(',')
                    .append(r.byteHitRatio()).append(',').append(Math.round(r.requestsPerSecond())).append('\n');
        }
        Path numbers = directory.resolve(RESULTS_FILE);
        Files.writeString(numbers, csv);
        written.add(numbers);
        return written;
    }

    private static List<Capacity> sizes(List<SimulationResult> results) {
        return results.stream().map(SimulationResult::capacity).distinct()
                .sorted(Comparator.comparing(Capacity::kind).thenComparingLong(Capacity::value)).toList();
    }

    private static List<String> labels(List<SimulationResult> results) {
        return sizes(results).stream().map(Capacity::label).toList();
    }

    private static Map<String, double[]> values(List<SimulationResult> results, ToDoubleFunction<SimulationResult> metric) {
        List<Capacity> sizes = sizes(results);
        Map<String, double[]> byPolicy = new LinkedHashMap<>();
        for (SimulationResult r : results) {
            double[] y = byPolicy.computeIfAbsent(r.policy(), p -> {
                double[] fresh = new double[sizes.size()];
                Arrays.fill(fresh, Double.NaN);
                return fresh;
            });
            y[sizes.indexOf(r.capacity())] = metric.applyAsDouble(r);
        }
        return byPolicy;
    }

    /**
     * The chart of {@code byPolicy} (policy to one value per size, NaN where missing) over
     * {@code sizes}.
     */
    static CategoryChart chart(String title, String yTitle, List<String> sizes, Map<String, double[]> byPolicy) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("cache size").yAxisTitle(yTitle).build();
        CategoryStyler styler = chart.getStyler();
        ChartStyle.apply(styler);
        styler.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        styler.setOverlapped(true); // every series at the category's centre, not side by side
        styler.setMarkerSize(9);
        styler.setYAxisDecimalPattern("0.00");
        double[] range = range(byPolicy.values());
        styler.setYAxisMin(range[0]);
        styler.setYAxisMax(range[1]);

        String learnedName = byPolicy.keySet().stream().filter(HitRatioChart::learned).findFirst().orElse(null);
        if (learnedName == null) {
            styler.setLegendPosition(Styler.LegendPosition.OutsideE);   // a dozen entries: one per line
            styler.setLegendLayout(Styler.LegendLayout.Vertical);
            int colour = 0;
            for (Map.Entry<String, double[]> e : byPolicy.entrySet()) {
                CategorySeries s = add(chart, e.getKey(), sizes, e.getValue());
                if (oracle(e.getKey())) {
                    oracleStyle(s, e.getKey());
                } else {
                    Color c = PALETTE[colour % PALETTE.length];
                    s.setLineColor(c);
                    s.setMarkerColor(c);
                    s.setLineStyle(new BasicStroke(2f));
                    s.setMarker(MARKERS[colour % MARKERS.length]);
                    colour++;
                }
            }
            return chart;
        }

        long others = byPolicy.keySet().stream().filter(HitRatioChart::classical).count();
        boolean first = true;
        for (Map.Entry<String, double[]> e : byPolicy.entrySet()) {   // underneath: the grey crowd
            if (classical(e.getKey())) {
                CategorySeries s = add(chart, e.getKey(), sizes, e.getValue());
                s.setLineColor(ChartStyle.OTHERS);
                s.setLineStyle(new BasicStroke(1.2f));
                s.setMarker(SeriesMarkers.NONE);
                s.setLabel("other classical (" + others + ")");
                s.setShowInLegend(first);
                first = false;
            }
        }
        for (Map.Entry<String, double[]> e : byPolicy.entrySet()) {
            if (oracle(e.getKey())) {
                oracleStyle(add(chart, e.getKey(), sizes, e.getValue()), e.getKey());
            }
        }
        double[] learnedValues = byPolicy.get(learnedName);
        if (others > 0) {
            double[] best = new double[sizes.size()];
            Arrays.fill(best, Double.NaN);
            String[] bestName = new String[sizes.size()];
            for (Map.Entry<String, double[]> e : byPolicy.entrySet()) {
                for (int i = 0; classical(e.getKey()) && i < sizes.size(); i++) {
                    double v = e.getValue()[i];
                    if (Double.isFinite(v) && !(v <= best[i])) {
                        best[i] = v;
                        bestName[i] = e.getKey();
                    }
                }
            }
            CategorySeries s = add(chart, "best classical", sizes, best);
            s.setLabel("best classical at each size");
            s.setLineStyle(SeriesLines.NONE);
            s.setMarker(SeriesMarkers.DIAMOND);
            s.setMarkerColor(ChartStyle.BEST);
            s.setLineColor(ChartStyle.BEST);
            styler.setAnnotationTextFontColor(ChartStyle.BEST);
            double offset = 0.05 * (range[1] - range[0]);
            for (int i = 0; i < sizes.size(); i++) {
                if (bestName[i] != null) {
                    boolean learnedAbove = Double.isFinite(learnedValues[i]) && learnedValues[i] > best[i];
                    chart.addAnnotation(new AnnotationText(bestName[i], i + 0.5,
                            best[i] + (learnedAbove ? -offset : offset), false));
                }
            }
        }
        CategorySeries s = add(chart, learnedName, sizes, learnedValues);
        s.setLineColor(ChartStyle.REFLEX);
        s.setMarkerColor(ChartStyle.REFLEX);
        s.setLineStyle(new BasicStroke(3.5f));
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLabel(learnedName + " (learned)");
        return chart;
    }

    private static CategorySeries add(CategoryChart chart, String name, List<String> sizes, double[] values) {
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            y.add(i < values.length ? values[i] : Double.NaN);
        }
        return chart.addSeries(name, sizes, y);
    }

    private static void oracleStyle(CategorySeries s, String name) {
        Color c = name.equals("belady") ? Color.BLACK : Color.GRAY;
        s.setLineColor(c);
        s.setMarkerColor(c);
        s.setLineStyle(DASHED);
        s.setMarker(SeriesMarkers.NONE);
        s.setLabel(name + " (oracle)");
    }

    /** A y range from the values, on twentieths, with room above for the labels. */
    private static double[] range(Iterable<double[]> series) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] values : series) {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(max >= min)) {
            return new double[] {0, 1};
        }
        double span = Math.max(0.05, max - min);
        double lo = Math.max(0, Math.floor((min - 0.05 * span) * 20) / 20);
        double hi = Math.min(1, Math.ceil((max + 0.1 * span) * 20) / 20);
        return new double[] {lo, Math.max(hi, lo + 0.05)};
    }
}
