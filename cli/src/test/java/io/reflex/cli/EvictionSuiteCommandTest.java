package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reflex.trainer.suite.SuiteTraces;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of {@code ./reflex eviction suite} (contracts.md), on two generated traces. */
class EvictionSuiteCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double EPS = 1e-12;

    @TempDir
    Path dir;

    Path manifest;

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeEach
    void suite() throws Exception {
        SuiteTraces.lirs(dir, "loops.trace", 5, 6_000, 300);
        SuiteTraces.csv(dir, "sized.csv", 6, 6_000, 400);
        manifest = SuiteTraces.manifest(dir, """
                {"name": "two", "split": 0.4, "traces": [
                  {"file": "loops.trace", "format": "lirs", "sizes": ["40", "120"]},
                  {"file": "sized.csv", "format": "csv", "sizes": ["512KB", "2MB"]}]}""");
    }

    @Test
    void jsonHasARowPerTraceSizeAndPolicyAndASummaryThatAddsUp() throws Exception {
        Run r = run("eviction", "suite", "--manifest", manifest.toString(), "--policies", "lru,s3fifo,belady", "--json");

        assertEquals(0, r.exit(), r.err());
        JsonNode v = JSON.readTree(r.out());
        JsonNode rows = v.get("traces");
        assertEquals(2 * 2 * 3, rows.size());
        Map<String, Map<String, Double>> cells = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            for (String field : new String[] {"trace", "size", "policy", "hit_ratio", "byte_hit_ratio"}) {
                assertTrue(row.has(field), "missing " + field + " in " + row);
            }
            cells.computeIfAbsent(row.get("trace").asText() + " " + row.get("size").asText(), c -> new LinkedHashMap<>())
                    .put(row.get("policy").asText(), row.get("hit_ratio").asDouble());
        }
        assertEquals(List.of("loops.trace 40", "loops.trace 120", "sized.csv 512KB", "sized.csv 2MB"),
                new ArrayList<>(cells.keySet()), "trace and size echo the manifest, in its order");
        for (JsonNode run : v.get("trace_runs")) {
            assertEquals(2_400, run.get("requests_train").asInt(), "the first 40% trains");
            assertEquals(3_600, run.get("requests_evaluate").asInt(), "the rest evaluates");
            assertTrue(run.get("model").isNull(), "nothing is trained without reflex");
        }

        JsonNode s = v.get("summary");
        assertEquals(4, s.get("cells").asInt());
        for (String p : List.of("lru", "s3fifo", "belady")) {
            double mean = cells.values().stream().mapToDouble(c -> c.get(p)).average().orElseThrow();
            assertEquals(mean, s.get("mean_hit_ratio").get(p).asDouble(), EPS, p);
        }
        String best = s.get("mean_hit_ratio").get("lru").asDouble() >= s.get("mean_hit_ratio").get("s3fifo").asDouble()
                ? "lru" : "s3fifo";
        assertEquals(best, s.get("best_classical_policy").asText());
        double perCellBest = cells.values().stream().mapToDouble(c -> Math.max(c.get("lru"), c.get("s3fifo")))
                .average().orElseThrow();
        assertEquals(perCellBest, s.get("per_cell_best_classical_mean").asDouble(), EPS);
        assertEquals(s.get("mean_hit_ratio").get("belady").asDouble(), s.get("belady_mean").asDouble(), EPS);
        for (String reflexField : List.of("reflex_minus_best_classical_mean", "cells_reflex_ge_best_classical",
                "cells_reflex_below_lru", "worst_reflex_minus_lru")) {
            assertTrue(s.has(reflexField) && s.get(reflexField).isNull(), reflexField + " is null without reflex");
        }
        for (Map<String, Double> cell : cells.values()) {
            assertTrue(cell.get("belady") >= cell.get("lru") && cell.get("belady") >= cell.get("s3fifo"),
                    "no policy beats Belady: " + cell);
        }
        assertTrue(r.err().contains("[2/2] sized.csv"), "progress names each trace: " + r.err());
    }

    @Test
    void theTablePrintsARowPerCellThenTheSummary() {
        Run r = run("eviction", "suite", "--manifest", manifest.toString(), "--policies", "lru,belady", "--traces", "loops");

        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.getFirst().matches("trace\\s+size\\s+lru\\s+belady"), lines.getFirst());
        assertTrue(lines.get(1).startsWith("loops.trace") && lines.get(1).contains(" 40 "), lines.get(1));
        assertTrue(lines.get(2).startsWith("loops.trace") && lines.get(2).contains(" 120 "), lines.get(2));
        assertTrue(lines.get(3).startsWith("mean"), lines.get(3));
        assertTrue(r.out().contains("best classical policy: lru"), r.out());
        assertTrue(r.out().contains("cells: 2"), r.out());
    }

    @Test
    void aMissingManifestOrTraceOrABadEntryExitsNonZeroWithOneLineNamingIt() throws Exception {
        Run missing = run("eviction", "suite", "--manifest", dir.resolve("none.json").toString(), "--policies", "lru");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("none.json"), missing.err());

        Path noTrace = SuiteTraces.manifest(dir, """
                {"name": "t", "split": 0.5, "traces": [{"file": "gone.trace", "format": "lirs", "sizes": ["10"]}]}""");
        Run gone = run("eviction", "suite", "--manifest", noTrace.toString(), "--policies", "lru");
        assertEquals(1, gone.exit());
        assertEquals(1, gone.err().lines().count(), gone.err());
        assertTrue(gone.err().contains("traces[0].file") && gone.err().contains("gone.trace"), gone.err());

        Path badSize = SuiteTraces.manifest(dir, """
                {"name": "t", "split": 0.5, "traces": [{"file": "loops.trace", "format": "lirs", "sizes": ["ten"]}]}""");
        Run bad = run("eviction", "suite", "--manifest", badSize.toString(), "--policies", "lru");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("traces[0].sizes[0]") && bad.err().contains("'ten'"), bad.err());

        Run unknown = run("eviction", "suite", "--manifest", manifest.toString(), "--policies", "lru,mru");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown policy 'mru'"), unknown.err());

        Run modelWithoutReflex = run("eviction", "suite", "--manifest", manifest.toString(), "--policies", "lru",
                "--model", dir.resolve("m.onnx").toString());
        assertEquals(2, modelWithoutReflex.exit());
        assertTrue(modelWithoutReflex.err().contains("--model"), modelWithoutReflex.err());
    }
}
