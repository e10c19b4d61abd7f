package io.reflex.cli;

import io.reflex.compute.device.CudaProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code --device gpu} on a machine without the CUDA driver (CI, a laptop) exits 1 with one line
 * saying what is missing, before any training, for {@code train} and for {@code bench training};
 * {@code --cpu-threads 0} is a usage error.
 */
class DeviceOptionTest {

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void gpuWithoutTheDriverExitsOneWithOneLine() throws Exception {
        assumeFalse(CudaProbe.probe().available(), "this machine has a GPU");
        Path trace = dir.resolve("t.csv");
        assertEquals(0, run("workload", "trap", "--seed", "3", "--requests", "2000", "--out", trace.toString()).exit());
        Run train = run("train", "eviction", "--trace", trace.toString(), "--format", "csv", "--size", "50", "--seed", "5",
                "--out", dir.resolve("m.onnx").toString(), "--device", "gpu");
        assertEquals(1, train.exit(), train.err());
        assertEquals("reflex: --device gpu:0: libcuda.so.1 not found (no NVIDIA driver on this machine)",
                train.err().strip());
        assertFalse(Files.exists(dir.resolve("m.onnx")));

        Run bench = run("bench", "training", "--device", "gpu", "--json");
        assertEquals(1, bench.exit(), bench.err());
        assertEquals("reflex: --device gpu:0: libcuda.so.1 not found (no NVIDIA driver on this machine)",
                bench.err().strip());
        assertEquals("", bench.out());
    }

    @Test
    void zeroCpuThreadsIsAUsageError() {
        Run r = run("bench", "training", "--device", "cpu", "--cpu-threads", "0", "--widths", "16", "--batches", "8",
                "--time-ms", "1");
        assertEquals(2, r.exit(), r.err());
    }

    @Test
    void parityOfAllCoresAgainstOneThreadIsExact() throws Exception {
        Run r = run("bench", "parity", "--device", "cpu", "--steps", "20", "--json");
        assertEquals(0, r.exit(), r.err());
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals(0.0, j.get("max_abs_diff").asDouble());
        assertEquals(true, j.get("pass").asBoolean());
        assertEquals(20, j.get("steps").asInt());
    }

    @Test
    void theRegressorsParityOfAllCoresAgainstOneThreadIsExact() throws Exception {
        Run r = run("bench", "parity", "--device", "cpu", "--network", "regression", "--steps", "20", "--json");
        assertEquals(0, r.exit(), r.err());
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals("11-32-32-1", j.get("network").asText());
        assertEquals(0.0, j.get("max_abs_diff").asDouble());
        assertEquals(1473, j.get("parameters").asInt());
    }

    @Test
    void anUnknownParityNetworkIsAUsageError() {
        Run r = run("bench", "parity", "--device", "cpu", "--network", "joint");
        assertEquals(2, r.exit(), r.err());
    }

    @Test
    void parityAgainstAMissingGpuExitsOne() {
        assumeFalse(CudaProbe.probe().available(), "this machine has a GPU");
        Run r = run("bench", "parity", "--steps", "1", "--json");
        assertEquals(1, r.exit(), r.err());
        assertEquals("reflex: --device gpu:0: libcuda.so.1 not found (no NVIDIA driver on this machine)", r.err().strip()
                .lines().reduce((a, b) -> b).orElse(""));
    }
}
