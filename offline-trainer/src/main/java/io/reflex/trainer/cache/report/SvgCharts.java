package io.reflex.trainer.cache.report;

import java.util.List;
import java.util.Locale;

/**
 * Minimal inline-SVG charts for HTML reports (no image files, no scripts): a line chart of several
 * named series over shared x positions, and a bar chart. Stateless and thread-safe; each call
 * builds its string.
 */
public final class SvgCharts {

    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31"};
    private static final int W = 760;
    private static final int H = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 30;
    private static final int BOTTOM = 50;

    /** One line: a name and its y values (one per x label; NaN skips a point). */
    public record Series(String name, double[] y, boolean emphasised) {
    }

    private SvgCharts() {
    }

    /** A line chart; {@code xLabels} label the x positions, evenly spaced. */
    public static String lines(String title, String xTitle, String yTitle, List<String> xLabels, List<Series> series) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : s.y()) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(max > min)) {
            max = min + 1;
        }
        double pad = (max - min) * 0.05;
        min -= pad;
        max += pad;
        StringBuilder svg = frame(title, xTitle, yTitle, min, max);
        int n = xLabels.size();
        for (int i = 0; i < n; i++) {
            double x = xAt(i, n);
            svg.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                    x, H - BOTTOM + 16, escape(xLabels.get(i))));
        }
        for (int s = 0; s < series.size(); s++) {
            Series line = series.get(s);
            String color = line.emphasised() ? "#000" : PALETTE[s % PALETTE.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < line.y().length && i < n; i++) {
                if (Double.isFinite(line.y()[i])) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xAt(i, n), yAt(line.y()[i], min, max)));
                }
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='%s' points='%s'/>",
                    color, line.emphasised() ? "3" : "1.5", points));
            int ly = TOP + 14 * s;
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='%s' stroke-width='%s'/>"
                            + "<text x='%d' y='%d' font-size='11'>%s</text>", W - RIGHT + 10, ly, W - RIGHT + 30, ly,
                    color, line.emphasised() ? "3" : "1.5", W - RIGHT + 35, ly + 4, escape(line.name())));
        }
        return svg.append("</svg>").toString();
    }

    /** A bar chart: one bar per label. */
    public static String bars(String title, String xTitle, String yTitle, List<String> labels, double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, v);
        }
        if (max <= 0) {
            max = 1;
        }
        StringBuilder svg = frame(title, xTitle, yTitle, 0, max * 1.05);
        int n = values.length;
        double plotW = W - LEFT - RIGHT;
        double bw = plotW / Math.max(1, n);
        for (int i = 0; i < n; i++) {
            double y = yAt(values[i], 0, max * 1.05);
            svg.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='#1f77b4'/>",
                    LEFT + i * bw + 1, y, Math.max(1, bw - 2), H - BOTTOM - y));
            if (n <= 20 || i % Math.max(1, n / 10) == 0) {
                svg.append(String.format(Locale.ROOT,
                        "<text x='%.1f' y='%d' font-size='10' text-anchor='middle'>%s</text>",
                        LEFT + (i + 0.5) * bw, H - BOTTOM + 14, escape(labels.get(i))));
            }
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder frame(String title, String xTitle, String yTitle, double min, double max) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "font-family='sans-serif'>", W, H));
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='18' font-size='14' font-weight='bold'>%s</text>", LEFT,
                escape(title)));
        svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#444'/>", LEFT, H - BOTTOM,
                W - RIGHT, H - BOTTOM));
        svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#444'/>", LEFT, TOP, LEFT,
                H - BOTTOM));
        for (int t = 0; t <= 4; t++) {
            double v = min + (max - min) * t / 4;
            double y = yAt(v, min, max);
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>"
                    + "<text x='%d' y='%.1f' font-size='10' text-anchor='end'>%s</text>", LEFT, y, W - RIGHT, y, LEFT - 4,
                    y + 3, format(v)));
        }
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11' text-anchor='middle'>%s</text>",
                (LEFT + W - RIGHT) / 2, H - 10, escape(xTitle)));
        svg.append(String.format(Locale.ROOT, "<text x='14' y='%d' font-size='11' text-anchor='middle' "
                + "transform='rotate(-90 14 %d)'>%s</text>", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, escape(yTitle)));
        return svg;
    }

    private static String format(double v) {
        double a = Math.abs(v);
        return a >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : a >= 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    private static double xAt(int i, int n) {
        double plotW = W - LEFT - RIGHT;
        return n == 1 ? LEFT + plotW / 2 : LEFT + 20 + (plotW - 40) * i / (n - 1);
    }

    private static double yAt(double v, double min, double max) {
        return H - BOTTOM - (H - TOP - BOTTOM) * (v - min) / (max - min);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
