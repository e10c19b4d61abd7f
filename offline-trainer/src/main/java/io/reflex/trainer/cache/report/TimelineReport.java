package io.reflex.trainer.cache.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A one-page HTML report of hit ratio over time: one chart per host with a line per arm (hit ratio in
 * each window of requests), the phase boundaries and the events marked as vertical lines, then the
 * events and a table the caller writes. Written by {@code ./reflex adapt demo}.
 *
 * <p>Stateless; {@link #write} allocates the page.
 */
public final class TimelineReport {

    /** One line of a chart: its name and its hit ratio in each window. */
    public record Series(String name, double[] windows) {
    }

    /** A vertical mark: where, and what (short; the events table says the rest). */
    public record Mark(long atRequest, String label) {
    }

    /** One chart: a title, its lines and its marks. */
    public record Chart(String title, List<Series> series, List<Mark> marks) {
    }

    private static final Color[] PALETTE = {ChartStyle.REFLEX, ChartStyle.BEST, new Color(0x2e9e44), ChartStyle.PLAIN,
        new Color(0x8a3ffc)};
    private static final Color MARK = new Color(0x999999);

    private TimelineReport() {
    }

    /**
     * Writes the page to {@code file}.
     *
     * @param windowRequests requests per window (the x axis is in requests)
     * @param tableHtml      HTML the caller built (the figures and the events), placed under the charts
     */
    public static void write(Path file, String title, String intro, List<Chart> charts, int windowRequests, String tableHtml)
            throws IOException {
        StringBuilder page = new StringBuilder();
        page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Html.escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;"
                        + "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}</style>"
                        + "</head><body>\n<h1>").append(Html.escape(title)).append("</h1>\n<p>").append(Html.escape(intro))
                .append("</p>\n");
        int id = 0;
        for (Chart c : charts) {
            page.append("<h2>").append(Html.escape(c.title())).append("</h2>\n")
                    .append(InlineSvg.element(chart(c, windowRequests), "timeline" + id++, c.title()));
        }
        page.append(tableHtml).append("\n</body></html>\n");
        Files.writeString(file, page, StandardCharsets.UTF_8);
    }

    private static XYChart chart(Chart c, int windowRequests) {
        XYChart chart = new XYChartBuilder().width(HitRatioChart.WIDTH).height(HitRatioChart.HEIGHT).title(c.title())
                .xAxisTitle("requests").yAxisTitle("hit ratio (per " + String.format(Locale.ROOT, "%,d", windowRequests)
                        + " requests)").build();
        ChartStyle.apply(chart.getStyler());
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        int colour = 0;
        for (Series s : c.series()) {
            double[] x = new double[s.windows().length];
            for (int i = 0; i < x.length; i++) {
                x[i] = (i + 1.0) * windowRequests;
            }
            XYSeries line = chart.addSeries(s.name(), x, s.windows());
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(PALETTE[colour++ % PALETTE.length]);
            line.setLineWidth(colour == 1 ? 2.5f : 1.5f);
        }
        int n = 0;
        for (Mark m : c.marks()) {
            XYSeries line = chart.addSeries((n++ + 1) + ": " + m.label(), new double[] {m.atRequest(), m.atRequest()},
                    new double[] {0, 1});
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(MARK);
            line.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {4f, 4f}, 0f));
            line.setShowInLegend(true);
        }
        return chart;
    }
}
