package io.reflex.trainer.cache.report;

import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * XChart charts as SVG, through XChart's own vector export ({@link VectorGraphicsEncoder}, which
 * draws with VectorGraphics2D): a standalone {@code .svg} document, or an {@code <svg>} element to
 * inline in an HTML page. XChart draws text as glyph outlines, so each chart carries its title as
 * an SVG {@code <title>} and an {@code aria-label} for readers and search. Coordinates are cut to
 * two decimals (a hundredth of a pixel), which halves the size. Rendering runs headless (no display
 * needed). Stateless and thread-safe.
 */
final class InlineSvg {

    private static final Pattern LONG_DECIMALS = Pattern.compile("(\\d\\.\\d{2})\\d+");

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private InlineSvg() {
    }

    /** The chart as a whole SVG document (XML declaration and doctype included), for a file. */
    static String document(Chart<?, ?> chart) {
        return LONG_DECIMALS.matcher(encode(chart)).replaceAll("$1");
    }

    /**
     * The chart as one {@code <svg>} element for an HTML page: no XML prolog, its ids prefixed by
     * {@code id} (so that several charts in one page never share a clip path), as wide as the page
     * allows up to its drawn width, labelled {@code label} (plain text).
     */
    static String element(Chart<?, ?> chart, String id, String label) {
        String svg = document(chart);
        svg = svg.substring(svg.indexOf("<svg"));
        int rootEnd = svg.indexOf('>');
        String root = svg.substring(0, rootEnd)
                .replaceFirst(" width=\"[^\"]*\"", "")
                .replaceFirst(" height=\"[^\"]*\"", "");
        String body = svg.substring(rootEnd + 1)
                .replace("id=\"", "id=\"" + id + "-")
                .replace("url(#", "url(#" + id + "-")
                .replace("href=\"#", "href=\"#" + id + "-");
        return root + " width=\"100%\" style=\"max-width:" + chart.getWidth() + "px;height:auto;display:block\""
                + " role=\"img\" aria-label=\"" + Html.escape(label) + "\"><title>" + Html.escape(label) + "</title>"
                + body.strip() + "\n";
    }

    private static String encode(Chart<?, ?> chart) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the chart '" + chart.getTitle() + "' as SVG", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
