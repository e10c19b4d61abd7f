package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reflex.engine.log.DecisionLogWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contracts of {@code ./reflex log verify} and {@code ./reflex log export}. */
class LogCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DECISIONS = 400;

    @TempDir
    Path dir;

    /** What one command printed and returned. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    /** {@value #DECISIONS} decisions, each followed by its outcome, in 4 KiB segments. */
    private void writeLog() {
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(4).segmentBytes(4096).open()) {
            DecisionLogWriter.LoopLog loop = writer.forLoop("eviction");
            for (int i = 0; i < DECISIONS; i++) {
                long id = loop.decision(7, new float[] {i, -0.0f, Float.NaN, 0.1f}, 4, i % 3, 0.25f);
                loop.outcome(id, i % 2);
            }
        }
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".rlog")).sorted().toList();
        }
    }

    @Test
    void verifyPassesACleanLogWithTheFieldsItPromises() throws Exception {
        writeLog();
        Run r = run("log", "verify", dir.toString(), "--json");

        assertEquals(0, r.exit(), r.err());
        JsonNode j = JSON.readTree(r.out());
        assertEquals(segments().size(), j.get("segments").asInt());
        assertEquals(2 * DECISIONS, j.get("records_ok").asLong());
        assertEquals(0, j.get("records_corrupt").asLong());
        assertEquals(0, j.get("bytes_skipped").asLong());
        assertTrue(j.get("missing_segments").isArray() && j.get("missing_segments").isEmpty());
    }

    @Test
    void verifyAcceptsACrashsTornTailButNotCorruptionOrAMissingSegment() throws Exception {
        writeLog();
        List<Path> segments = segments();
        Path last = segments.getLast();
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(f.length() - 7);
        }
        JsonNode torn = JSON.readTree(run("log", "verify", dir.toString(), "--json").out());
        assertEquals(1, torn.get("torn_tails").asInt());
        assertTrue(torn.get("bytes_skipped").asLong() > 0);
        assertEquals(0, run("log", "verify", dir.toString()).exit(), "a torn tail is what a crash leaves");

        Path middle = segments.get(segments.size() / 2);
        try (RandomAccessFile f = new RandomAccessFile(middle.toFile(), "rw")) {
            f.seek(f.length() / 2);
            f.write(new byte[16]);
        }
        Run corrupt = run("log", "verify", dir.toString(), "--json");
        assertEquals(3, corrupt.exit());
        JsonNode c = JSON.readTree(corrupt.out());
        assertTrue(c.get("records_corrupt").asLong() >= 1, c.toString());
        JsonNode range = c.get("skipped").get(0);
        assertEquals(middle.toString(), range.get("file").asText());
        assertEquals("corrupt", range.get("kind").asText());

        Path gone = segments.get(1);
        Files.delete(gone);
        Run missing = run("log", "verify", dir.toString());
        assertEquals(3, missing.exit());
        assertTrue(missing.out().lines().anyMatch(l -> l.startsWith(gone + ": missing")), missing.out());
        JsonNode m = JSON.readTree(run("log", "verify", dir.toString(), "--json").out());
        assertEquals(gone.toString(), m.get("missing_segments").get(0).get("file").asText());
    }

    @Test
    void exportWritesOneJsonObjectPerRecord() throws Exception {
        writeLog();
        Run r = run("log", "export", dir.toString(), "--format", "jsonl");

        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2 * DECISIONS, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode j = JSON.readTree(lines.get(i));
            assertEquals(i, j.get("sequence").asLong());
            if (i % 2 == 0) {
                assertEquals("decision", j.get("type").asText());
                assertEquals(i, j.get("decision_id").asLong());
                assertEquals("eviction", j.get("loop").asText());
                assertEquals(7, j.get("model_version").asLong());
                assertEquals(i / 2 % 3, j.get("action").asInt());
                assertEquals(0.25, j.get("propensity").asDouble());
                JsonNode f = j.get("features");
                assertEquals(i / 2, f.get(0).asDouble());
                assertEquals("-0.0", f.get(1).asText());
                assertEquals("NaN", f.get(2).asText(), "JSON has no NaN: a string");
                assertEquals(0.1f, f.get(3).floatValue(), "the shortest decimal that reads back to the float");
                assertTrue(j.get("epoch_micros").asLong() > 0);
            } else {
                assertEquals("outcome", j.get("type").asText());
                assertEquals(i - 1, j.get("decision_id").asLong());
                assertEquals(i / 2 % 2, j.get("reward").asDouble());
            }
        }
    }

    @Test
    void exportRefusesAnUnknownFormatAndAMissingDirectoryWithOneLine() {
        writeLog();
        Run format = run("log", "export", dir.toString(), "--format", "csv");
        assertEquals(2, format.exit());
        assertEquals(1, format.err().lines().count(), format.err());
        assertTrue(format.err().contains("unknown --format 'csv'"), format.err());

        Run absent = run("log", "verify", dir.resolve("absent").toString());
        assertEquals(2, absent.exit());
        assertEquals(1, absent.err().lines().count(), absent.err());
        assertTrue(absent.err().contains(dir.resolve("absent").toString()), absent.err());
    }
}
