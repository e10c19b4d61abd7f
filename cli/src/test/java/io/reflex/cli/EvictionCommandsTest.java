package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contracts of {@code ./reflex train eviction}, {@code evaluate eviction} and {@code quickstart} on small inputs. */
class EvictionCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private Path trap(int seed) {
        Path file = dir.resolve("trap" + seed + ".csv");
        Run r = run("workload", "trap", "--seed", Integer.toString(seed), "--requests", "3000", "--out", file.toString());
        assertEquals(0, r.exit(), r.err());
        return file;
    }

    @Test
    void trainWritesAModelAndPrintsTheContractFieldsThenEvaluatePrintsReflexBesideEveryBaseline() throws Exception {
        Path model = dir.resolve("m.onnx");
        Run train = run("train", "eviction", "--trace", trap(1).toString(), "--format", "csv", "--size", "2MB",
                "--out", model.toString(), "--seed", "3", "--steps", "200", "--json");
        assertEquals(0, train.exit(), train.err());
        JsonNode t = train.json();
        assertEquals(model.toString(), t.get("model").asText());
        assertTrue(t.get("train_seconds").asDouble() > 0);
        assertTrue(t.get("transitions").asInt() > 100, t.toString());
        assertTrue(Files.size(model) > 1_000, "a real network with its weights was written");

        Run eval = run("evaluate", "eviction", "--model", model.toString(), "--trace", trap(2).toString(), "--format",
                "csv", "--sizes", "2MB,8MB", "--json");
        assertEquals(0, eval.exit(), eval.err());
        JsonNode results = eval.json().get("results");
        Set<String> policies = new HashSet<>();
        for (JsonNode row : results) {
            policies.add(row.get("policy").asText());
            double h = row.get("hit_ratio").asDouble();
            assertTrue(h >= 0 && h <= 1, row.toString());
            assertTrue(row.has("byte_hit_ratio") && row.has("requests_per_sec") && row.has("size"));
        }
        assertEquals(13 * 2, results.size());
        assertTrue(policies.containsAll(Set.of("reflex", "lru", "wtinylfu", "arc", "s3fifo", "sieve", "gdsf", "lfu", "belady")));
        assertEquals(0, eval.json().get("reflex_fallbacks").asInt());
    }

    @Test
    void quickstartEvaluatesOnTheRealTraceAndOnHeldOutTrapSeedsAndWritesTheReport() throws Exception {
        Path out = dir.resolve("qs");
        Run r = run("quickstart", "--json", "--out", out.toString(), "--requests", "3000", "--steps", "100",
                "--sizes", "2MB,8MB", "--eval-seeds", "2", "--real-sizes", "200");
        assertEquals(0, r.exit(), r.err());
        JsonNode v = r.json();
        Path report = Path.of(v.get("report").asText());
        String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("reflex") && html.contains("Decision latency")
                && html.contains("cache2k-web07") && html.contains("belady (oracle)")
                && html.contains("reflex &minus; best classical"), html);
        assertEquals(3, html.split("<svg", -1).length - 1, "hit ratio for each workload and the latency histogram");
        assertTrue(html.contains("<dt>wtinylfu</dt>"), "the baselines are defined");
        Map<String, Integer> rowsPerWorkload = new HashMap<>();
        Set<String> reflexIn = new HashSet<>();
        for (JsonNode row : v.get("results")) {
            String workload = row.get("workload").asText();
            rowsPerWorkload.merge(workload, 1, Integer::sum);
            if (workload.equals("trap")) {
                assertEquals(2, row.get("seed").asInt());
            } else {
                assertEquals("200", row.get("size").asText());
            }
            if (row.get("policy").asText().equals("reflex")) {
                reflexIn.add(workload);
            }
        }
        assertEquals(Map.of("trap", 13 * 2, "cache2k-web07", 13), rowsPerWorkload);
        assertEquals(Set.of("trap", "cache2k-web07"), reflexIn);
        assertEquals(0, v.get("reflex_fallbacks").asInt());
        // the real trace and its licence are copied beside the report, and each workload's model exists
        assertTrue(Files.size(out.resolve("cache2k-web07.trace.xz")) > 100_000);
        assertTrue(Files.readString(out.resolve("cache2k-LICENSE.txt")).contains("CC BY 4.0"));
        for (JsonNode model : v.get("models")) {
            assertTrue(Files.size(Path.of(model.asText())) > 0, model.asText());
        }
    }

    @Test
    void trainAndEvaluateRefuseATraceWithoutRequestsInOneLineNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("header-only.csv"), "time,key,size\n");
        Path model = dir.resolve("m.onnx");
        io.reflex.engine.onnx.OnnxModelWriter.of(io.reflex.engine.onnx.MlpGraph.randomChain(1,
                io.reflex.engine.onnx.Activation.RELU, 6, 4, 2)).write(model);

        Run dqn = run("train", "eviction", "--trace", empty.toString(), "--format", "csv", "--size", "2MB",
                "--objective", "dqn", "--out", dir.resolve("dqn.onnx").toString());
        Run nextAccess = run("train", "eviction", "--trace", empty.toString(), "--format", "csv", "--size", "2MB",
                "--out", dir.resolve("next.onnx").toString());
        Run evaluate = run("evaluate", "eviction", "--model", model.toString(), "--trace", empty.toString(),
                "--format", "csv", "--sizes", "2MB");

        for (Run r : java.util.List.of(dqn, nextAccess, evaluate)) {
            assertEquals(1, r.exit(), r.err() + r.out());
            assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("reflex: ")).count(), r.err());
            assertTrue(r.err().contains(empty + ": ") && r.err().contains("no requests"), r.err());
        }
        assertFalse(Files.exists(dir.resolve("dqn.onnx")) || Files.exists(dir.resolve("next.onnx")), "no model is written");
    }

    @Test
    void trainRefusesAnOutputUnderARegularFileBeforeTraining() throws Exception {
        Path plain = Files.writeString(dir.resolve("plain"), "not a directory");

        Run r = run("train", "eviction", "--trace", trap(5).toString(), "--format", "csv", "--size", "2MB",
                "--out", plain.resolve("m.onnx").toString(), "--steps", "50");

        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), "refused before training starts: " + r.err());
        assertTrue(r.err().contains(plain + " is a file, not a directory"), r.err());
    }

    @Test
    void trainingFromTransitionsWithoutTheSparkJarSaysHowToRunItInOneLine() {
        // the command-line jar carries no TransitionSource: ./reflex runs this through the Spark jar
        Run r = run("train", "eviction", "--transitions", dir.resolve("replayed").toString(),
                "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("Spark module"), r.err());
    }

    @Test
    void transitionsRefuseTheTraceAndTheBehavioursOptionsNamingThem() {
        Run withTrace = run("train", "eviction", "--transitions", "d", "--trace", "t.csv", "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, withTrace.exit());
        assertTrue(withTrace.err().contains("--trace does not apply to --transitions"), withTrace.err());
        Run epsilon = run("train", "eviction", "--transitions", "d", "--epsilon", "0.1", "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, epsilon.exit());
        assertTrue(epsilon.err().contains("--epsilon"), epsilon.err());
        Run nextAccess = run("train", "eviction", "--transitions", "d", "--objective", "next-access",
                "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, nextAccess.exit());
        assertTrue(nextAccess.err().contains("--objective must be dqn"), nextAccess.err());
        Run neither = run("train", "eviction", "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, neither.exit());
        assertTrue(neither.err().contains("--transitions"), neither.err());
    }

    @Test
    void theReplayBufferIsCheckedAndBelongsToTransitionsOnly() throws Exception {
        Run zero = run("train", "eviction", "--transitions", "d", "--buffer", "0", "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, zero.exit());
        assertEquals(1, zero.err().strip().lines().count(), zero.err());
        assertTrue(zero.err().contains("--buffer must be at least 2"), zero.err());
        Run withTrace = run("train", "eviction", "--objective", "dqn", "--trace", trap(1).toString(), "--format", "csv",
                "--size", "2MB", "--buffer", "1000", "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, withTrace.exit());
        assertTrue(withTrace.err().contains("--buffer applies to --transitions only"), withTrace.err());
        Run k = run("train", "eviction", "--transitions", "d", "--k", "8", "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, k.exit());
        assertTrue(k.err().contains("--k does not apply to --transitions"), k.err());
        assertFalse(Files.exists(dir.resolve("m.onnx")));
    }

    @Test
    void badInputsExitNonZeroWithOneLineNamingThem() {
        Run missing = run("train", "eviction", "--trace", dir.resolve("nope.csv").toString(), "--format", "csv",
                "--size", "2MB", "--out", dir.resolve("m.onnx").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("nope.csv"), missing.err());
        Run badSize = run("evaluate", "eviction", "--model", "m.onnx", "--trace", "t.csv", "--format", "csv",
                "--sizes", "lots");
        assertEquals(2, badSize.exit());
        assertEquals(1, badSize.err().strip().lines().count(), badSize.err());
        Run heldOut = run("quickstart", "--train-seed", "2", "--eval-seeds", "2,3");
        assertEquals(2, heldOut.exit());
        assertTrue(heldOut.err().contains("training seed"), heldOut.err());
    }

    @Test
    void anOptionOfTheOtherObjectiveIsRefusedNotIgnored() throws Exception {
        String trace = trap(1).toString();
        Run dqnOnly = run("train", "eviction", "--trace", trace, "--format", "csv", "--size", "2MB",
                "--out", dir.resolve("a.onnx").toString(), "--hit-history", "3000");
        assertEquals(2, dqnOnly.exit());
        assertTrue(dqnOnly.err().contains("--hit-history applies to --objective dqn only"), dqnOnly.err());
        Run nextAccessOnly = run("train", "eviction", "--objective", "dqn", "--trace", trace, "--format", "csv",
                "--size", "2MB", "--out", dir.resolve("b.onnx").toString(), "--admission");
        assertEquals(2, nextAccessOnly.exit());
        assertTrue(nextAccessOnly.err().contains("--admission applies to --objective next-access only"),
                nextAccessOnly.err());
        assertFalse(Files.exists(dir.resolve("a.onnx")) || Files.exists(dir.resolve("b.onnx")));
    }

    @Test
    void benchEvictionTimesAWholeNextAccessDecisionWithSampledCandidates() throws Exception {
        Run r = run("bench", "eviction", "--layout", "next-access", "--k", "64", "--candidates", "sampled",
                "--iterations", "2000", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode v = r.json();
        assertEquals(64, v.get("k").asInt());
        assertEquals("11-32-32-1", v.get("layers").asText());
        assertTrue(v.get("decision_p99_ns").asLong() >= v.get("decision_p50_ns").asLong());
        assertTrue(v.has("alloc_bytes_per_decision") && v.get("decisions_per_sec").asLong() > 0, v.toString());
    }
}
