package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
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
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./reflex ope benchmark|evaluate|simulate} and {@code ./reflex promote} per contracts.md, on small budgets. */
class OpeCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

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

    private static Path bandit;

    @BeforeAll
    static void simulateOnce() {
        bandit = shared.resolve("bandit");
        Run r = run("ope", "simulate", "--out", bandit.toString(), "--decisions", "5000", "--seed", "3", "--json");
        assertEquals(0, r.exit(), r.err());
    }

    @Test
    void benchmarkPrintsEveryEstimatorWithErrorAndCoverage() throws Exception {
        Run r = run("ope", "benchmark", "--seeds", "2", "--decisions", "4000", "--episodes", "400",
                "--resamples", "50", "--sequence-resamples", "20", "--json");

        assertEquals(0, r.exit(), r.err());
        List<String> names = new ArrayList<>();
        for (JsonNode e : r.json().get("estimators")) {
            names.add(e.get("name").asText());
            double error = e.get("median_relative_error").asDouble();
            double coverage = e.get("ci_coverage").asDouble();
            assertTrue(error >= 0 && Double.isFinite(error), e.toString());
            assertTrue(coverage >= 0 && coverage <= 1, e.toString());
        }
        assertEquals(List.of("ips", "snips", "dm", "dr", "sndr", "switch-dr", "pdis", "wpdis", "seq-dr", "fqe"), names);
    }

    @Test
    void evaluatePrintsTheDecisionsAndAnIntervalPerEstimator() throws Exception {
        Run r = run("ope", "evaluate", "--log", bandit.resolve("log").toString(), "--policy",
                bandit.resolve("candidate.onnx").toString(), "--resamples", "100", "--json");

        assertEquals(0, r.exit(), r.err());
        JsonNode v = r.json();
        assertEquals(5000, v.get("decisions").asInt());
        assertEquals(0, v.get("decisions_without_outcome").asInt());
        List<String> names = new ArrayList<>();
        for (JsonNode e : v.get("estimates")) {
            names.add(e.get("name").asText());
            assertTrue(e.get("ci_low").asDouble() <= e.get("value").asDouble()
                    && e.get("value").asDouble() <= e.get("ci_high").asDouble(), e.toString());
        }
        assertEquals(List.of("ips", "snips", "dm", "dr", "sndr", "switch-dr"), names);
    }

    @Test
    void evaluateOnADamagedLogSaysWhatTheEstimatesLeaveOut() throws Exception {
        Path copy = shared.resolve("damaged");
        Files.createDirectories(copy);
        try (var files = Files.list(bandit.resolve("log"))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        Path segment;
        try (var files = Files.list(copy)) {
            segment = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segment);
        for (int i = bytes.length / 2; i < bytes.length / 2 + 16; i++) {
            bytes[i] ^= (byte) 0xA5;
        }
        Files.write(segment, bytes);

        Run r = run("ope", "evaluate", "--log", copy.toString(), "--policy", bandit.resolve("candidate.onnx").toString(),
                "--resamples", "50", "--json");

        assertEquals(0, r.exit(), r.err());
        JsonNode v = r.json();
        assertTrue(v.get("log_damage").asInt() >= 1, r.out());
        assertTrue(v.get("log_records_lost").asLong() >= 1, r.out());
        assertTrue(v.get("decisions").asInt() < 5000, "the damaged records are left out: " + r.out());
        assertTrue(r.err().contains("leave out what this damage lost"), r.err());
    }

    @Test
    void evaluateIsDeterministicForASeed() {
        String[] args = {"ope", "evaluate", "--log", bandit.resolve("log").toString(), "--policy",
                bandit.resolve("incumbent.onnx").toString(), "--resamples", "50", "--seed", "9", "--json"};
        Run a = run(args);
        assertEquals(0, a.exit(), a.err());
        assertEquals(a.out(), run(args).out());
    }

    @Test
    void evaluatePrintsATableWithoutJson() {
        Run r = run("ope", "evaluate", "--log", bandit.resolve("log").toString(), "--policy",
                bandit.resolve("candidate.onnx").toString(), "--resamples", "50");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("dr ")), r.out());
        assertTrue(r.out().contains("5000 decisions"), r.out());
    }

    @Test
    void evaluatesEpisodesWithTheSequenceEstimators() throws Exception {
        Path dir = shared.resolve("sequential");
        assertEquals(0, run("ope", "simulate", "--task", "sequential", "--out", dir.toString(), "--decisions", "1000").exit());
        Run r = run("ope", "evaluate", "--sequence", "--log", dir.resolve("log").toString(), "--policy",
                dir.resolve("candidate.onnx").toString(), "--resamples", "30", "--json");

        assertEquals(0, r.exit(), r.err());
        JsonNode v = r.json();
        assertEquals(5000, v.get("decisions").asInt());
        assertEquals(1000, v.get("episodes").asInt());
        assertEquals(0, v.get("incomplete_episodes").asInt());
        List<String> names = new ArrayList<>();
        v.get("estimates").forEach(e -> names.add(e.get("name").asText()));
        assertEquals(List.of("pdis", "wpdis", "seq-dr", "fqe"), names);
    }

    @Test
    void promoteApprovesABetterCandidateWithExitZeroAndSaysWhy() throws Exception {
        Run r = run("promote", "--candidate", bandit.resolve("candidate.onnx").toString(), "--incumbent",
                bandit.resolve("incumbent.onnx").toString(), "--log", bandit.resolve("log").toString(), "--json");

        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode v = r.json();
        assertTrue(v.get("promoted").asBoolean());
        assertTrue(v.get("reason").asText().startsWith("promoted"), v.get("reason").asText());
        assertTrue(v.get("candidate").get("ci_low").asDouble() > v.get("incumbent").get("value").asDouble());
    }

    @Test
    void promoteRefusesAWorseCandidateWithANonZeroExitAndSaysWhy() {
        Run r = run("promote", "--candidate", bandit.resolve("worse.onnx").toString(), "--incumbent",
                bandit.resolve("incumbent.onnx").toString(), "--log", bandit.resolve("log").toString(),
                "--estimator", "snips");

        assertEquals(PromoteCommand.REFUSED, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith("refused"), r.out());
        assertTrue(r.out().contains("snips"), r.out());
    }

    @Test
    void aModelTrainedOnTheLogByTrainBanditPassesTheGateAgainstTheIncumbent() throws Exception {
        Path model = shared.resolve("trained.onnx");
        Run train = run("train", "bandit", "--log", bandit.resolve("log").toString(), "--actions", "5", "--out",
                model.toString(), "--json");
        assertEquals(0, train.exit(), train.err());
        assertEquals(5000, train.json().get("decisions").asInt());

        Run r = run("promote", "--candidate", model.toString(), "--incumbent", bandit.resolve("incumbent.onnx").toString(),
                "--log", bandit.resolve("log").toString());
        assertEquals(0, r.exit(), r.out() + r.err());
    }

    @Test
    void missingFilesUnknownFlagsAndBadValuesFailWithOneLineNamingThem() throws Exception {
        Path missing = shared.resolve("no-such-log");
        Run noLog = run("ope", "evaluate", "--log", missing.toString(), "--policy", bandit.resolve("candidate.onnx").toString());
        assertNotEquals(0, noLog.exit());
        assertOneLineNaming(noLog, missing.toString());

        Path noModel = shared.resolve("no-such-model.onnx");
        Run model = run("promote", "--candidate", noModel.toString(), "--incumbent",
                bandit.resolve("incumbent.onnx").toString(), "--log", bandit.resolve("log").toString());
        assertNotEquals(0, model.exit());
        assertNotEquals(PromoteCommand.REFUSED, model.exit());
        assertOneLineNaming(model, noModel.toString());

        Run flag = run("ope", "benchmark", "--bogus");
        assertNotEquals(0, flag.exit());
        assertOneLineNaming(flag, "--bogus");

        Run target = run("ope", "evaluate", "--log", bandit.resolve("log").toString(), "--policy",
                bandit.resolve("candidate.onnx").toString(), "--target", "softmax:hot");
        assertNotEquals(0, target.exit());
        assertOneLineNaming(target, "softmax:hot");

        Path garbage = shared.resolve("garbage.onnx");
        Files.writeString(garbage, "not a model");
        Run bad = run("ope", "evaluate", "--log", bandit.resolve("log").toString(), "--policy", garbage.toString());
        assertNotEquals(0, bad.exit());
        assertOneLineNaming(bad, garbage.toString());
    }

    @Test
    void aModelOfTheWrongWidthIsRefusedNamingBothSides() throws Exception {
        Path sequential = shared.resolve("sequential-width");
        assertEquals(0, run("ope", "simulate", "--task", "sequential", "--out", sequential.toString(), "--decisions", "10").exit());
        Run r = run("ope", "evaluate", "--log", bandit.resolve("log").toString(), "--policy",
                sequential.resolve("candidate.onnx").toString());
        assertNotEquals(0, r.exit());
        assertOneLineNaming(r, "features");
    }

    private static void assertOneLineNaming(Run r, String what) {
        String err = r.err().strip();
        assertFalse(err.isEmpty(), "no error printed");
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains(what), err);
        assertTrue(r.out().isEmpty(), r.out());
    }
}
