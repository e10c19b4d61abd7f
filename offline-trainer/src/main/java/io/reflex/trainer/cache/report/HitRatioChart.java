package io.reflex.trainer.cache.report;

import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Draws the results of a simulation as PNG line charts, one line per policy over the cache sizes
 * (in increasing order, labelled as written): {@code hit-ratio.png}, and {@code byte-hit-ratio.png}
 * too when asked, plus the exact numbers in {@code results.csv}. Clairvoyant references are drawn
 * dashed in black and grey, so the bound reads apart from the policies. Rendering runs headless (no
 * display needed). Stateless and thread-safe.
 */
public final class HitRatioChart {

    /** File name of the hit-ratio chart. */
    public static final String HIT_RATIO_FILE = "hit-ratio.png";
    /** File name of the byte-hit-ratio chart. */
    public static final String BYTE_HIT_RATIO_FILE = "byte-hit-ratio.png";
    /** File name of the numbers behind the charts. */
    public static final String RESULTS_FILE = "results.csv";

    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
        new Color(0x393b79), new Color(0xad494a), new Color(0x637939), new Color(0x8c6d31)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private HitRatioChart() {
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
        render(hit, "Hit ratio vs cache size: " + title, "hit ratio", results, SimulationResult::hitRatio);
        written.add(hit);
        if (byteChart) {
            Path bytes = directory.resolve(BYTE_HIT_RATIO_FILE);
            render(bytes, "Byte hit ratio vs cache size: " + title, "byte hit ratio", results,
                    SimulationResult::byteHitRatio);
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

    private static void render(Path file, String title, String yTitle, List<SimulationResult> results,
            ToDoubleFunction<SimulationResult> metric) throws IOException {
        List<Capacity> sizes = results.stream().map(SimulationResult::capacity).distinct()
                .sorted(Comparator.comparing(Capacity::kind).thenComparingLong(Capacity::value)).toList();
        List<String> labels = sizes.stream().map(Capacity::label).toList();
        Map<String, Map<Capacity, Double>> byPolicy = new LinkedHashMap<>();
        for (SimulationResult r : results) {
            byPolicy.computeIfAbsent(r.policy(), p -> new LinkedHashMap<>()).put(r.capacity(), metric.applyAsDouble(r));
        }

        CategoryChart chart = new CategoryChartBuilder().width(1100).height(700).title(title)
                .xAxisTitle("cache size").yAxisTitle(yTitle).build();
        Styler styler = chart.getStyler();
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setOverlapped(true); // every series at the category's centre, not side by side
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
        chart.getStyler().setYAxisDecimalPattern("0.00");
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        chart.getStyler().setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Math.min(1.0, Math.ceil(max(byPolicy) * 10 + 0.5) / 10));
        styler.setToolTipsEnabled(false);

        int color = 0;
        for (Map.Entry<String, Map<Capacity, Double>> e : byPolicy.entrySet()) {
            List<Double> y = new ArrayList<>();
            for (Capacity c : sizes) {
                Double v = e.getValue().get(c);
                y.add(v == null ? Double.NaN : v);
            }
            CategorySeries series = chart.addSeries(e.getKey(), labels, y);
            if (e.getKey().startsWith("belady")) {
                series.setLineColor(e.getKey().equals("belady") ? Color.BLACK : Color.GRAY);
                series.setMarkerColor(series.getLineColor());
                series.setLineStyle(SeriesLines.DASH_DASH);
                series.setMarker(SeriesMarkers.NONE);
            } else {
                Color c = PALETTE[color % PALETTE.length];
                series.setLineColor(c);
                series.setMarkerColor(c);
                series.setLineStyle(new BasicStroke(2f));
                series.setMarker(MARKERS[color % MARKERS.length]);
                color++;
            }
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static final org.knowm.xchart.style.markers.Marker[] MARKERS = {SeriesMarkers.CIRCLE,
        SeriesMarkers.SQUARE, SeriesMarkers.DIAMOND, SeriesMarkers.TRIANGLE_UP, SeriesMarkers.TRIANGLE_DOWN,
        SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.OVAL, SeriesMarkers.RECTANGLE};

    private static double max(Map<String, Map<Capacity, Double>> byPolicy) {
        double m = 0;
        for (Map<Capacity, Double> values : byPolicy.values()) {
            for (double v : values.values()) {
                if (!Double.isNaN(v)) {
                    m = Math.max(m, v);
                }
            }
        }
        return m;
    }
}
