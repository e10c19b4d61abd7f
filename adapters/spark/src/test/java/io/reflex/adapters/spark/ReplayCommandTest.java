package io.reflex.adapters.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reflex.trainer.rl.EvictionTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./reflex replay}'s command-line contract: its JSON fields, and one-line errors with a non-zero exit. */
class ReplayCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkMain.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void printsTheContractsJsonFields() throws Exception {
        FleetLogs.write(dir.resolve("logs"), 2, 1_500, 3);
        Run r = run("replay", "--logs", dir.resolve("logs").toString(), "--format", "csv", "--sizes", "64",
                "--out", dir.resolve("out").toString(), "--master", "local[1]", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        for (String field : new String[] {"shards", "requests", "transitions", "seconds", "malformed_lines"}) {
            assertTrue(json.has(field), field + " in " + r.out());
        }
        assertEquals(2, json.get("shards").asInt());
        assertEquals(3_000, json.get("requests").asLong());
        assertTrue(json.get("transitions").asLong() > 0);
    }

    @Test
    void takesTheBehavioursOptionsOfTrainEvictionAndRecordsThemForTraining() throws Exception {
        FleetLogs.write(dir.resolve("logs"), 1, 2_000, 4);
        Path out = dir.resolve("out");
        Run r = run("replay", "--logs", dir.resolve("logs").toString(), "--format", "csv", "--sizes", "64",
                "--out", out.toString(), "--master", "local[1]", "--seed", "6", "--k", "8", "--epsilon", "0.1",
                "--cost-discount", "0.9", "--size-exponent", "0.25", "--hit-history", "500", "--candidates", "sampled",
                "--eviction-cost", "0.5", "--json");
        assertEquals(0, r.code(), r.err());
        try (ParquetTransitionSource source = ParquetTransitionSource.open(out.toString(), null)) {
            assertEquals(new EvictionTraining.Behaviour(8, 0.1, 0.9, 0.25, 1, 6, 500, true, 0.5), source.behaviour());
        }
    }

    @Test
    void aBadBehaviourOptionExitsNonZeroWithOneLineNamingIt() {
        Run r = run("replay", "--logs", "x", "--format", "csv", "--sizes", "64", "--out", "o", "--candidates", "some");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--candidates must be lru or sampled"), r.err());
    }

    @Test
    void anUnknownFlagExitsNonZeroWithOneLine() {
        Run r = run("replay", "--logs", "x", "--format", "csv", "--sizes", "64", "--out", "o", "--bogus");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--bogus"), r.err());
    }

    @Test
    void aMissingLogExitsNonZeroWithOneLineNamingIt() {
        Path missing = dir.resolve("no-such-logs");
        Run r = run("replay", "--logs", missing.toString(), "--format", "csv", "--sizes", "64",
                "--out", dir.resolve("out").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(missing.toString()), r.err());
    }
}
