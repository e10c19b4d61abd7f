package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract of {@code ./reflex adapt}: its events and summary, its state across runs, its refusals. */
class AdaptCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
        List<JsonNode> events() throws Exception {
            List<JsonNode> all = new ArrayList<>();
            for (String line : out.split("\n")) {
                all.add(JSON.readTree(line));
            }
            return all;
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    /** Extended-format NGINX lines: a loop over 300 objects with hot ones mixed in. */
    private static void appendLog(Path log, int n, long seed) throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        int loop = 0;
        for (int i = 0; i < n; i++) {
            long key = random.nextInt(5) == 0 ? 1_000 + random.nextInt(10) : loop++ % 300;
            text.append(String.format(Locale.ROOT, "reflex1 %.3f GET \"http://origin/o/%d\" 200 1000 MISS \"0.010\" \"-\"%n",
                    1_700_000_000 + i * 0.001, key));
        }
        Files.writeString(log, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private Run adapt(Path log, String... more) {
        List<String> args = new ArrayList<>(List.of("adapt", "--source", log.toString(), "--sizes", "100",
                "--model-out", dir.resolve("served.onnx").toString(), "--state", dir.resolve("state").toString(),
                "--window", "4000", "--every", "1000", "--rounds", "1", "--steps", "150", "--once", "--json"));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void aRoundPromotesAWinnerAndARestartResumesWhereTheLastRunStopped() throws Exception {
        Path log = dir.resolve("access.log");
        appendLog(log, 3_000, 1);
        Run early = adapt(log);
        assertEquals(0, early.exit(), early.err());
        List<JsonNode> e = early.events();
        assertEquals(1, e.size(), early.out());
        JsonNode summary = e.getFirst();
        assertEquals("summary", summary.get("event").asText());
        assertEquals(3_000, summary.get("requests").asLong());
        assertEquals(0, summary.get("rounds").asLong(), "no round before the window holds --min-requests");
        assertFalse(Files.exists(dir.resolve("served.onnx")));

        appendLog(log, 1_000, 2);
        Run full = adapt(log);
        assertEquals(0, full.exit(), full.err());
        assertTrue(full.err().contains("from line 3001"), full.err());
        List<JsonNode> f = full.events();
        JsonNode round = f.getFirst();
        assertEquals("round", round.get("event").asText());
        assertEquals(4_000, round.get("at_request").asLong());
        assertEquals(3_200, round.get("train_requests").asInt(), "--holdout 0.2 of 4,000");
        assertEquals(800, round.get("holdout_requests").asInt());
        assertTrue(round.get("hit_ratio_served").isNull(), round.toString());
        assertTrue(round.get("promoted").asBoolean(), round.toString());
        assertTrue(round.get("hit_ratio_candidate").asDouble() > round.get("hit_ratio_lru").asDouble(), round.toString());
        assertTrue(Files.size(dir.resolve("served.onnx")) > 1_000);
        JsonNode end = f.getLast();
        assertEquals(4_000, end.get("requests").asLong());
        assertEquals(1, end.get("promotions").asLong());
    }

    @Test
    void malformedLinesAreReportedWithTheirFileAndLineAndCounted() throws Exception {
        Path log = dir.resolve("access.log");
        appendLog(log, 10, 3);
        Files.writeString(log, "this is not a request\n", StandardOpenOption.APPEND);
        Run r = adapt(log);
        assertEquals(0, r.exit(), r.err());
        JsonNode note = r.events().getFirst();
        assertEquals("note", note.get("event").asText());
        assertTrue(note.get("detail").asText().contains(log + ":11: "), note.toString());
        assertEquals(1, r.events().getLast().get("malformed_lines").asLong());
    }

    @Test
    void theDemoPrintsTheContractFieldsAndWritesItsReport() throws Exception {
        Run r = run("adapt", "demo", "--hosts", "caffeine", "--out", dir.resolve("demo").toString(), "--web-requests", "6000",
                "--loop-requests", "9000", "--retrain-window", "6000", "--every", "3000", "--bad-model-at", "2000", "--rounds", "1",
                "--steps", "150", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode d = JSON.readTree(r.out());
        assertEquals(2, d.get("phases").size());
        for (JsonNode p : d.get("phases")) {
            for (String f : List.of("name", "requests", "hit_ratio_adaptive", "hit_ratio_static", "hit_ratio_lru")) {
                assertTrue(p.has(f), f + " in " + p);
            }
        }
        JsonNode e = d.get("events").get(0);
        assertTrue(e.has("at_request") && e.has("kind") && e.has("detail"), e.toString());
        assertTrue(d.get("bad_model_demoted_after_requests").asLong() <= 10_000, d.toString());
        assertEquals(0, d.get("requests_failed").asLong());
        assertEquals("caffeine", d.get("hosts").get(0).get("host").asText());
        assertTrue(Files.readString(Path.of(d.get("report").asText())).contains("<svg"));
    }

    @Test
    void theDemoRefusesPhasesOffTheTimelinesGrid() {
        Run r = run("adapt", "demo", "--hosts", "caffeine", "--web-requests", "6500");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--web-requests must be a positive multiple of 1,000"), r.err());
    }

    @Test
    void refusesAFormatItCannotFollowNamingTheFix() {
        Run r = adapt(dir.resolve("access.log"), "--format", "csv");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--format nginx"), r.err());
    }
    /** {@code ope simulate}'s log and models, 20,000 decisions. */
    private Path simulated() {
        Path out = dir.resolve("sim");
        Run sim = run("ope", "simulate", "--out", out.toString(), "--decisions", "20000", "--json");
        assertEquals(0, sim.exit(), sim.err());
        return out;
    }

    private Run adaptDecisions(Path sim, String challenger, String... more) {
        List<String> args = new ArrayList<>(List.of("adapt", "--decision-log", sim.resolve("log").toString(),
                "--challenger", sim.resolve(challenger).toString(), "--target", "epsilon:0.3",
                "--model-out", dir.resolve("served.onnx").toString(), "--state", dir.resolve("state-" + challenger).toString(),
                "--once", "--json"));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    @Test
    void onADecisionLogTheBetterCandidateIsPublishedAndTheRunEndsWithItsSummary() throws Exception {
        Path sim = simulated();
        Run r = adaptDecisions(sim, "candidate.onnx");
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> e = r.events();
        JsonNode round = e.get(e.size() - 2);
        assertEquals("round", round.get("event").asText());
        assertTrue(round.get("promoted").asBoolean(), round.toString());
        assertTrue(round.get("challenger").get("ci_low").asDouble() > round.get("incumbent").get("ci_high").asDouble());
        JsonNode summary = e.getLast();
        assertEquals("summary", summary.get("event").asText());
        assertEquals(round.get("at_decision").asLong(), summary.get("promoted_at_decision").asLong());
        assertTrue(summary.get("promoted_at_decision").asLong() >= DecisionAdapt.DEFAULT_MIN_DECISIONS);
        assertEquals(-1, Files.mismatch(sim.resolve("candidate.onnx"), dir.resolve("served.onnx")));

        Run again = adaptDecisions(sim, "candidate.onnx");
        assertEquals(0, again.exit(), again.err());
        assertEquals(1, again.events().size(), "a published challenger is not evaluated again: " + again.out());
        assertTrue(again.err().contains("already published"), again.err());
    }

    @Test
    void onADecisionLogTheWorseModelIsNotPublishedAndADamagedStateIsNamedInOneLine() throws Exception {
        Path sim = simulated();
        Files.copy(sim.resolve("incumbent.onnx"), dir.resolve("served.onnx"));
        Run r = adaptDecisions(sim, "worse.onnx");
        assertEquals(0, r.exit(), r.err());
        JsonNode summary = r.events().getLast();
        assertFalse(summary.get("promoted").asBoolean());
        assertEquals(20_000, summary.get("scored").asLong());
        assertEquals(-1, Files.mismatch(sim.resolve("incumbent.onnx"), dir.resolve("served.onnx")));

        Path state = dir.resolve("state-worse.onnx").resolve("decision-adapt-state.bin");
        byte[] bytes = Files.readAllBytes(state);
        bytes[bytes.length / 2] ^= 1;
        Files.write(state, bytes);
        Run damaged = adaptDecisions(sim, "worse.onnx");
        assertEquals(1, damaged.exit());
        assertEquals(1, damaged.err().strip().lines().count(), damaged.err());
        assertTrue(damaged.err().contains(state.toString()) && damaged.err().contains("move it aside"), damaged.err());
        assertArrayEquals(bytes, Files.readAllBytes(state), "left as it was");
    }

    @Test
    void theDecisionLogModeRefusesMissingOrMixedOptionsInOneLine() {
        Run noTarget = run("adapt", "--decision-log", dir.toString(), "--challenger", "c.onnx", "--model-out", "m.onnx",
                "--state", dir.resolve("s").toString());
        assertEquals(2, noTarget.exit());
        assertTrue(noTarget.err().contains("--target"), noTarget.err());
        Run mixed = run("adapt", "--decision-log", dir.toString(), "--source", "access.log", "--challenger", "c.onnx",
                "--target", "greedy", "--model-out", "m.onnx", "--state", dir.resolve("s").toString());
        assertEquals(2, mixed.exit());
        assertTrue(mixed.err().contains("--source"), mixed.err());
        Run stray = run("adapt", "--source", "access.log", "--sizes", "100", "--model-out", "m.onnx", "--state",
                dir.resolve("s").toString(), "--challenger", "c.onnx");
        assertEquals(2, stray.exit());
        assertTrue(stray.err().contains("--decision-log"), stray.err());
    }
}
