package io.reflex.trainer.cache.report;

import io.reflex.trainer.cache.policy.PolicyCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvictionReportTest {

    @TempDir
    Path dir;

    /** A section shaped like the quickstart's: every standard policy and reflex, seeded values. */
    static EvictionReport.Section section(String title, List<String> sizes, long seed, int heldOut) {
        List<String> policies = new ArrayList<>(List.of("reflex"));
        policies.addAll(PolicyCatalog.STANDARD);
        List<EvictionReport.HeldOut> traces = new ArrayList<>();
        for (int h = 0; h < heldOut; h++) {
            traces.add(new EvictionReport.HeldOut("seed " + (h + 2), rows(policies, sizes.size(), new Random(seed + h))));
        }
        return new EvictionReport.Section(title, "what ran on " + title, sizes, rows(policies, sizes.size(),
                new Random(seed)), traces);
    }

    private static List<EvictionReport.Row> rows(List<String> policies, int sizes, Random random) {
        List<EvictionReport.Row> rows = new ArrayList<>();
        for (String p : policies) {
            double[] hit = new double[sizes];
            for (int i = 0; i < sizes; i++) {
                hit[i] = p.equals("belady") ? 0.9 : 0.2 + 0.1 * i + 0.2 * random.nextDouble();
            }
            rows.add(new EvictionReport.Row(p, hit, hit.clone()));
        }
        return rows;
    }

    /** Decision latencies in ns: a body around 5 µs and a thin tail to milliseconds. */
    static long[] latencies(long seed) {
        Random random = new Random(seed);
        long[] l = new long[20_000];
        for (int i = 0; i < l.length; i++) {
            l[i] = i % 500 == 0 ? 1_000_000 + random.nextInt(9_000_000) : (long) (5_000 * Math.exp(0.3 * random.nextGaussian()));
        }
        return l;
    }

    private static List<String> svgElements(String html) {
        List<String> svgs = new ArrayList<>();
        Matcher m = Pattern.compile("<svg.*?</svg>", Pattern.DOTALL).matcher(html);
        while (m.find()) {
            svgs.add(m.group());
        }
        return svgs;
    }

    @Test
    void everyChartIsWellFormedInlineSvgAndThePageFetchesNothing() throws Exception {
        Path file = dir.resolve("r/report.html");
        List<double[]> curve = List.of(new double[] {0, 1.0, 0.1}, new double[] {100, 0.5, 0.3}, new double[] {200, 0.4, 0.5});

        EvictionReport.write(file, "intro", List.of(section("web", List.of("200", "2000"), 1, 0),
                section("trap", List.of("25MB", "100MB", "400MB"), 2, 2)), curve, latencies(3), "./reflex quickstart");

        String html = Files.readString(file);
        List<String> svgs = svgElements(html);
        assertEquals(2 + 2 + 1, svgs.size(), "two hit-ratio charts, two training curves, the latency histogram");
        Set<String> ids = new HashSet<>();
        for (String svg : svgs) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            Element root = f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)))
                    .getDocumentElement();
            assertEquals("svg", root.getLocalName());
            assertFalse(root.getAttribute("aria-label").isBlank(), "each chart says what it shows");
            assertTrue(root.getElementsByTagNameNS("*", "path").getLength() > 10, "a chart with drawn content");
            Matcher id = Pattern.compile(" id=\"([^\"]+)\"").matcher(svg);
            while (id.find()) {
                assertTrue(ids.add(id.group(1)), "id " + id.group(1) + " is used by two charts");
            }
        }
        assertFalse(html.contains("<?xml") || html.contains("<!DOCTYPE svg"), "inline SVG carries no XML prolog");
        for (String fetch : new String[] {"<script", "<img", "<link", " src=", "href=\"http"}) {
            assertFalse(html.contains(fetch), "the report is self-contained, yet has " + fetch);
        }
    }

    @Test
    void eachHeldOutTraceIsComparedWithItsOwnBestClassicalPolicy() throws Exception {
        Path file = dir.resolve("report.html");
        EvictionReport.Row reflex = new EvictionReport.Row("reflex", new double[] {0.50}, new double[] {0.4});
        EvictionReport.Row lru = new EvictionReport.Row("lru", new double[] {0.40}, new double[] {0.4});
        EvictionReport.Row gdsf = new EvictionReport.Row("gdsf", new double[] {0.45}, new double[] {0.4});
        EvictionReport.Row belady = new EvictionReport.Row("belady", new double[] {0.70}, new double[] {0.6});
        List<EvictionReport.HeldOut> heldOut = List.of(
                new EvictionReport.HeldOut("seed 2", List.of(reflex, lru, gdsf, belady)),
                new EvictionReport.HeldOut("seed 3", List.of(
                        new EvictionReport.Row("reflex", new double[] {0.30}, new double[] {0.3}),
                        new EvictionReport.Row("lru", new double[] {0.35}, new double[] {0.3}),
                        new EvictionReport.Row("gdsf", new double[] {0.32}, new double[] {0.3}), belady)));

        EvictionReport.write(file, "intro", List.of(new EvictionReport.Section("trap", "s", List.of("25MB"),
                List.of(reflex, lru, gdsf, belady), heldOut)), List.of(), new long[] {1000, 2000}, "cmd");

        String html = Files.readString(file);
        assertTrue(html.contains("<td>seed 2</td><td>25MB</td><td>0.5000</td><td>0.4500 gdsf</td><td>+5.00 points</td>"
                + "<td>0.7000</td>"), html);
        assertTrue(html.contains("<td>seed 3</td><td>25MB</td><td>0.3000</td><td>0.3500 lru</td><td>-5.00 points</td>"),
                html);
        assertTrue(html.contains("reflex &minus; best classical"), "the mean table keeps its difference row");
    }

    @Test
    void aSingleHeldOutTraceNeedsNoTableOfItsOwn() throws Exception {
        Path file = dir.resolve("report.html");
        EvictionReport.Section one = section("trap", List.of("2MB"), 5, 1);

        EvictionReport.write(file, "intro", List.of(one), List.of(), new long[] {1000}, "cmd");

        assertFalse(Files.readString(file).contains("Each held-out trace"));
    }

    @Test
    void everyPolicyInTheTablesIsDefinedInOneSentence() throws Exception {
        Path file = dir.resolve("report.html");

        EvictionReport.write(file, "intro", List.of(section("web", List.of("200"), 1, 0)), List.of(), new long[0], "cmd");

        String html = Files.readString(file);
        assertTrue(html.contains("<dt>reflex</dt>"));
        for (String p : PolicyCatalog.STANDARD) {
            assertTrue(html.contains("<dt>" + p + "</dt><dd>" + Html.escape(PolicyCatalog.describe(p)) + "</dd>"), p);
        }
        assertTrue(html.contains("the real Caffeine cache") && html.contains("clairvoyant bound"));
        assertFalse(html.contains("Decision latency"), "no latencies, no histogram");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void latenciesAllAlikeOrAloneStillDrawAHistogram() throws Exception {
        for (long[] latencies : new long[][] {{4_000}, {4_000, 4_000, 4_000}, {0, 0, 1}, {1, 1_000_000_000}}) {
            Path file = dir.resolve("report.html");

            EvictionReport.write(file, "intro", List.of(), List.of(), latencies, "cmd");

            assertEquals(1, svgElements(Files.readString(file)).size(), java.util.Arrays.toString(latencies));
        }
    }

    @Test
    void plainTextIsEscaped() throws Exception {
        Path file = dir.resolve("report.html");

        EvictionReport.write(file, "a <b> & 'c'", List.of(), List.of(), new long[0], "x < y");

        String html = Files.readString(file);
        assertTrue(html.contains("a &lt;b&gt; &amp; &#39;c&#39;") && html.contains("x &lt; y"), html);
    }
}
