package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The JSON contracts of {@code ./reflex model check} and {@code ./reflex bench inference} (contracts.md). */
class CommandLineContractTest {

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

    @Test
    void modelCheckReportsAFastPathModelAsOk() throws Exception {
        Path file = dir.resolve("q.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(1, 96, 128, 128, 17)).inputName("state").outputName("q").write(file);

        Run r = run("model", "check", file.toString(), "--json");

        assertEquals(0, r.exit(), r.err());
        JsonNode v = r.json();
        assertTrue(v.get("ok").asBoolean());
        assertTrue(v.get("fast_path").asBoolean());
        assertTrue(v.get("error").isNull());
        assertEquals("state", v.get("inputs").get(0).get("name").asText());
        assertEquals("batch", v.get("inputs").get(0).get("shape").get(0).asText());
        assertEquals(96, v.get("inputs").get(0).get("shape").get(1).asInt());
        assertEquals(16, v.get("outputs").get(0).get("shape").get(1).asInt());
    }

    @Test
    void modelCheckOfATruncatedFileExitsOneWithTheErrorNamingTheFile() throws Exception {
        Path good = dir.resolve("good.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(2, Activation.RELU, 8, 4)).write(good);
        byte[] bytes = Files.readAllBytes(good);
        Path bad = dir.resolve("cut.onnx");
        Files.write(bad, Arrays.copyOf(bytes, bytes.length / 2));

        Run r = run("model", "check", bad.toString(), "--json");

        assertEquals(1, r.exit());
        JsonNode v = r.json();
        assertFalse(v.get("ok").asBoolean());
        assertFalse(v.get("fast_path").asBoolean());
        assertTrue(v.get("error").asText().contains(bad.toString()), v.get("error").asText());
        assertTrue(v.get("inputs").isArray());
    }

    @Test
    void modelCheckOfAMissingFileSaysSo() throws Exception {
        Run r = run("model", "check", dir.resolve("absent.onnx").toString(), "--json");

        assertEquals(1, r.exit());
        assertTrue(r.json().get("error").asText().contains("not found"));
    }

    @Test
    void aDirectoryGivenAsTheSidecarsModelIsCalledADirectoryNotMissing() throws Exception {
        Path models = java.nio.file.Files.createDirectory(dir.resolve("models.onnx"));
        Run r = run("sidecar", "--socket", dir.resolve("s.sock").toString(), "--model", models.toString());

        assertEquals(2, r.exit());
        assertTrue(r.err().contains(models + " is a directory, not a file"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void modelCheckOfAFifoRefusesItWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("pipe.onnx");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo is not available");

        Run r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run("model", "check", fifo.toString(), "--json"));

        assertEquals(1, r.exit());
        String error = r.json().get("error").asText();
        assertTrue(error.startsWith(fifo + ": ") && error.contains("not a regular file"), error);
    }

    @Test
    void modelCheckOfAFileOverTheSizeLimitSaysSoInOneLine() throws Exception {
        Path huge = dir.resolve("huge.onnx");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: over 2 GiB, never stored or read
        }

        Run r = run("model", "check", huge.toString());

        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().isEmpty(), "no stack trace: " + r.err());
        assertTrue(r.out().startsWith("NOT OK  " + huge + ": model file is 3,221,225,472 bytes, over the limit of"
                + " 268,435,456 bytes (256 MiB)"), r.out());
    }

    @Test
    void anUnknownFlagExitsNonZeroWithOneLine() {
        Run r = run("model", "check", "x.onnx", "--bogus");

        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--bogus"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.out().isEmpty());
    }

    @Test
    void benchInferencePrintsTheContractFieldsForTheThreeReferenceModels() throws Exception {
        Run r = run("bench", "inference", "--json", "--iterations", "500", "--warmup", "200");

        assertEquals(0, r.exit(), r.err());
        JsonNode models = r.json().get("models");
        assertEquals(3, models.size());
        assertEquals("96-128-128-17", models.get(1).get("layers").asText());
        for (JsonNode m : models) {
            for (String field : new String[] {"name", "layers", "vector_p50_ns", "vector_p99_ns", "onnxruntime_p50_ns",
                    "onnxruntime_p99_ns", "speedup_p50", "alloc_bytes_per_decision"}) {
                assertTrue(m.has(field), "missing " + field + " in " + m);
            }
            assertTrue(m.get("vector_p50_ns").asLong() > 0);
            assertTrue(m.get("vector_p99_ns").asLong() >= m.get("vector_p50_ns").asLong());
            assertTrue(m.get("onnxruntime_p99_ns").asLong() >= m.get("onnxruntime_p50_ns").asLong());
        }
    }
}
