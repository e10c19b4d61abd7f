package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON contract of {@code ./reflex recommend evaluate} (contracts.md). */
class RecommendCommandTest {

    @TempDir
    Path dir;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(exit), out.toString(), err.toString()};
    }

    @Test
    void recommendEvaluatePrintsEveryPolicysMetricsOnSyntheticData() throws Exception {
        String[] r = run("recommend", "evaluate", "--format", "synthetic", "--users", "120", "--items", "150",
                "--ratings-per-user", "30", "--epochs", "1", "--json");
        assertEquals("0", r[0], r[2]);
        JsonNode v = new ObjectMapper().readTree(r[1]);
        assertEquals(120, v.get("users").asInt());
        assertEquals(150, v.get("items").asInt());
        List<String> policies = new ArrayList<>();
        for (JsonNode row : v.get("results")) {
            policies.add(row.get("policy").asText());
            for (String field : List.of("avg_reward", "precision_at_32", "recall_at_32", "p99_decision_ns")) {
                assertTrue(row.get(field).isNumber(), field + " in " + row);
            }
            assertTrue(row.get("precision_at_32").asDouble() >= 0 && row.get("precision_at_32").asDouble() <= 1);
        }
        assertEquals(List.of("random", "popularity", "greedy-mf", "linucb", "tpgr"), policies);
    }

    /**
     * Everything but the timings repeats exactly: TPGR is evaluated without a deadline, so a loaded
     * machine cannot turn a level into the popularity fallback and move the figures.
     */
    @Test
    void recommendEvaluateRepeatsItsFiguresExactlyButForTheTimings() throws Exception {
        String[] args = {"recommend", "evaluate", "--format", "synthetic", "--users", "120", "--items", "150",
                "--ratings-per-user", "30", "--epochs", "1", "--seed", "3", "--json"};
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String[] r = run(args);
            assertEquals("0", r[0], r[2]);
            ObjectNode v = (ObjectNode) new ObjectMapper().readTree(r[1]);
            assertEquals(0, v.get("tpgr_fallback_levels").asLong(), r[1]);
            v.remove("train_seconds");
            v.get("results").forEach(row -> ((ObjectNode) row).remove("p99_decision_ns"));
            runs.add(v);
        }
        assertEquals(runs.get(0), runs.get(1));
    }

    @Test
    void aMalformedRatingsLineExitsNonZeroNamingFileAndLine() throws Exception {
        Path file = dir.resolve("u.data");
        Files.writeString(file, "1\t2\t3\t4\n1\t2\n");
        String[] r = run("recommend", "evaluate", "--ratings", file.toString(), "--format", "movielens-udata", "--json");
        assertNotEquals("0", r[0]);
        assertTrue(r[2].contains(file + ":2"), r[2]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
    }
}
