package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./reflex matching evaluate} per contracts.md, on small budgets so the test stays quick. */
class MatchingCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private static final String[] SMALL = {"--instances", "30", "--train-instances", "40", "--epochs", "2", "--seed", "3"};

    private static String[] args(String... head) {
        List<String> all = new ArrayList<>(List.of("matching", "evaluate"));
        all.addAll(List.of(head));
        all.addAll(List.of(SMALL));
        return all.toArray(String[]::new);
    }

    @Test
    void printsTheContractFieldsForEveryPolicyAndEveryRho() throws Exception {
        Run r = run(args("--data", "synthetic", "--rho", "0.4,0.8", "--json"));

        assertEquals(0, r.exit(), r.err());
        JsonNode v = JSON.readTree(r.out());
        assertEquals(30, v.get("instances").asInt());
        List<String> policies = new ArrayList<>();
        for (JsonNode row : v.get("results")) {
            String policy = row.get("policy").asText();
            policies.add(policy + (row.get("rho").isNull() ? "" : "@" + row.get("rho").asDouble()));
            for (String field : List.of("avg_reward", "competitive_ratio_vs_opt", "min_ratio_vs_expert")) {
                assertTrue(row.get(field).isNumber(), policy + " " + field);
            }
            assertTrue(row.get("competitive_ratio_vs_opt").asDouble() <= 1 + 1e-9);
            if (policy.equals("lomar")) {
                double rho = row.get("rho").asDouble();
                assertTrue(row.get("min_ratio_vs_expert").asDouble() >= rho - 1e-9, "the guarantee at rho " + rho);
                assertEquals(0, row.get("guarantee_violations").asInt());
            } else {
                assertTrue(row.get("rho").isNull());
            }
        }
        assertEquals(List.of("greedy", "balance", "greedy-t", "rl", "lomar@0.4", "lomar@0.8"), policies);
        assertEquals(1.0, v.get("results").get(0).get("min_ratio_vs_expert").asDouble(), 1e-12, "greedy is the expert");
    }

    @Test
    void printsATableByDefault() {
        Run r = run(args("--rho", "0.6", "--generator", "er"));

        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("synthetic:er"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("lomar") && l.contains("0.6")), r.out());
    }

    @Test
    void evaluatesAUserEdgeListSampledBySeed() throws Exception {
        StringBuilder text = new StringBuilder("# rider;driver,fare\n");
        for (int v = 0; v < 60; v++) {
            for (int u = 0; u < 8; u++) {
                if ((v * 7 + u * 3) % 4 == 0) {
                    text.append("rider").append(v).append(";driver").append(u).append(',')
                            .append(1 + (v * 13 + u * 5) % 9).append('\n');
                }
            }
        }
        Path file = dir.resolve("rides.txt");
        Files.writeString(file, text);

        Run r = run(args("--data", file.toString(), "--offline", "5", "--online", "12", "--json"));

        assertEquals(0, r.exit(), r.err());
        JsonNode v = JSON.readTree(r.out());
        assertEquals(file.toString(), v.get("data").asText());
        assertEquals(5, v.get("offline").asInt());
        assertEquals(12, v.get("online").asInt());
    }

    @Test
    void aMalformedEdgeListExitsNonZeroNamingFileAndLine() throws Exception {
        Path file = dir.resolve("bad.txt");
        Files.writeString(file, "r1;d1,2\nr2;d1;3\n");

        Run r = run("matching", "evaluate", "--data", file.toString(), "--json");

        assertEquals(1, r.exit());
        assertTrue(r.err().contains(file + ":2:"), r.err());
        assertFalse(r.err().strip().contains("\n"), "one line: " + r.err());
    }

    @Test
    void aRhoOutsideZeroToOneIsABadFlag() {
        Run r = run("matching", "evaluate", "--rho", "0.4,1.5");

        assertEquals(2, r.exit());
        assertTrue(r.err().contains("rho"), r.err());
    }
}
