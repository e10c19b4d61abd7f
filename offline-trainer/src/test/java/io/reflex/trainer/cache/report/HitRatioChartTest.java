package io.reflex.trainer.cache.report;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.lines.SeriesLines;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HitRatioChartTest {

    private static final List<String> SIZES = List.of("25MB", "100MB", "400MB");

    private static Map<String, double[]> results() {
        Map<String, double[]> byPolicy = new LinkedHashMap<>();
        byPolicy.put("reflex", new double[] {0.44, 0.90, 0.95});
        byPolicy.put("lru", new double[] {0.32, 0.88, 0.95});
        byPolicy.put("gdsf", new double[] {0.41, 0.89, 0.94});
        byPolicy.put("wtinylfu", new double[] {0.35, 0.91, 0.93});
        byPolicy.put("belady", new double[] {0.61, 0.93, 0.95});
        return byPolicy;
    }

    @Test
    void theLearnedPolicyIsTheOneThickColouredLineAndIsDrawnLast() {
        CategoryChart chart = HitRatioChart.chart("t", "hit ratio", SIZES, results());

        List<CategorySeries> series = new ArrayList<>(chart.getSeriesMap().values());
        CategorySeries last = series.getLast();
        assertEquals("reflex", last.getName());
        assertEquals(ChartStyle.REFLEX, last.getLineColor());
        for (CategorySeries s : series.subList(0, series.size() - 1)) {
            assertTrue(s.getLineStyle().getLineWidth() < last.getLineStyle().getLineWidth(), s.getName());
        }
    }

    @Test
    void theOtherClassicalPoliciesAreGreyUnderOneLegendEntry() {
        CategoryChart chart = HitRatioChart.chart("t", "hit ratio", SIZES, results());

        int inLegend = 0;
        for (String p : List.of("lru", "gdsf", "wtinylfu")) {
            CategorySeries s = chart.getSeriesMap().get(p);
            assertEquals(ChartStyle.OTHERS, s.getLineColor(), p);
            inLegend += s.isShowInLegend() ? 1 : 0;
        }
        assertEquals(1, inLegend);
        assertEquals("other classical (3)", chart.getSeriesMap().get("lru").getLabel());
    }

    @Test
    void theBestClassicalPolicyAtEachSizeIsMarkedAndBeladyIsADashedOracle() {
        CategoryChart chart = HitRatioChart.chart("t", "hit ratio", SIZES, results());

        CategorySeries best = chart.getSeriesMap().get("best classical");
        assertEquals(List.of(0.41, 0.91, 0.95), best.getYData().stream().map(Number::doubleValue).toList());
        assertEquals(SeriesLines.NONE, best.getLineStyle(), "markers only: the best differs from size to size");
        CategorySeries belady = chart.getSeriesMap().get("belady");
        assertEquals("belady (oracle)", belady.getLabel());
        assertTrue(belady.getLineStyle().getDashArray() != null, "dashed");
    }

    @Test
    void withoutALearnedPolicyEachPolicyHasItsOwnColour() {
        Map<String, double[]> classical = results();
        classical.remove("reflex");

        CategoryChart chart = HitRatioChart.chart("t", "hit ratio", SIZES, classical);

        assertNotEquals(chart.getSeriesMap().get("lru").getLineColor(), chart.getSeriesMap().get("gdsf").getLineColor());
        assertTrue(chart.getSeriesMap().values().stream().allMatch(CategorySeries::isShowInLegend));
    }

    @Test
    void theSvgDocumentIsAStandaloneFileAndTheElementIsNot() {
        CategoryChart chart = HitRatioChart.chart("t", "hit ratio", SIZES, results());

        String file = InlineSvg.document(chart);
        String inline = InlineSvg.element(chart, "c1", "a & b");

        assertTrue(file.startsWith("<?xml") && file.contains("width=\"900px\""), file.substring(0, 300));
        assertTrue(inline.startsWith("<svg") && inline.contains("aria-label=\"a &amp; b\"")
                && inline.contains("<title>a &amp; b</title>") && inline.contains("id=\"c1-"), inline.substring(0, 400));
    }
}
