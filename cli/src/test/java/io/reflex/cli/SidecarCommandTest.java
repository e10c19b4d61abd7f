package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.sidecar.SidecarMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./reflex sidecar}, {@code ./reflex sidecar bench} and {@code ./reflex sidecar soak}'s arguments per contracts.md. The bench runs for
 * real (NGINX built by build-nginx.sh, stock and patched, the sidecar as a process of its own) on a
 * small replay, to hold the JSON contract; the full-size figures come from the command itself.
 */
class SidecarCommandTest {

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

    @Test
    void bothLaunchersTakeTheSameOptions() {
        CommandLine sidecar = new CommandLine(new SidecarCommand());
        List<String> cli = sidecar.getCommandSpec().options().stream()
                .filter(o -> !o.usageHelp() && !o.versionHelp())
                .map(CommandLine.Model.OptionSpec::longestName)
                .sorted().toList();
        assertEquals(SidecarMain.OPTIONS.stream().sorted().toList(), cli,
                "./reflex sidecar and SidecarMain (how the tests and the bench start a sidecar) take one option list");
    }

    @Test
    void badArgumentsExitWithOneLineNamingThem() {
        Run r = run("sidecar", "--model", "m.onnx");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--socket PATH and --model MODEL.onnx are required"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        r = run("sidecar", "--socket", dir.resolve("s.sock").toString(), "--model", dir.resolve("none.onnx").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("none.onnx"), r.err());

        Path model = dir.resolve("m.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(1, 96, 16, 17)).fixedBatch(1).write(model);
        r = run("sidecar", "--socket", dir.resolve("s.sock").toString(), "--model", model.toString(), "--deadline", "fast");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not a duration: 'fast'"), r.err());
        r = run("sidecar", "--socket", dir.resolve("s.sock").toString(), "--model", model.toString(),
                "--access-log", dir.resolve("access.log").toString(), "--cache-max-size", "25 megs");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not a size: '25 megs'"), r.err());
        r = run("sidecar", "--socket", dir.resolve("s.sock").toString(), "--model", model.toString(),
                "--access-log", dir.resolve("access.log").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--access-log needs --cache-max-size"), r.err());

        r = run("sidecar", "bench", "--requests", "10");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--requests must be >= 1000"), r.err());
        r = run("sidecar", "bench", "--max-size", "25MB");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--max-size"), r.err());

        r = run("sidecar", "soak", "--kill-every", "3 minutes");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not a duration: '3 minutes'"), r.err());
        r = run("sidecar", "soak", "--duration", "0s");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("must be positive"), r.err());
        r = run("sidecar", "soak", "--rate", "0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--rate must be in (0, 20000]"), r.err());
    }

    @Test
    void benchDrivesRealNginxWithAndWithoutTheSidecarAndPrintsTheContractFields() throws Exception {
        Path model = dir.resolve("m.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(2, 96, 32, 17)).fixedBatch(1).write(model);
        Run r = run("sidecar", "bench", "--json", "--requests", "3000", "--rounds", "1", "--max-size", "4m",
                "--model", model.toString(), "--seed", "3", "--drain-objects", "3000");
        assertEquals(0, r.exit(), r.err());
        JsonNode v = JSON.readTree(r.out());
        for (String field : List.of("requests", "requests_failed", "round_trip_p50_us", "round_trip_p99_us", "fallbacks",
                "nginx_throughput_ratio", "hit_ratio_reflex", "hit_ratio_lru", "evictions_per_sec")) {
            assertTrue(v.get(field).isNumber(), field + " in " + r.out());
        }
        assertEquals(6000, v.get("requests").asLong(), "3,000 requests on each side");
        assertEquals(0, v.get("requests_failed").asLong());
        assertTrue(v.get("evictions").asLong() > 0, "the 4m cache evicted: " + r.out());
        assertTrue(v.get("round_trips").asLong() > 0, "NGINX asked the sidecar: " + r.out());
        assertTrue(v.get("policy_evictions").asLong() > 0, "the sidecar's history-1 model chose victims: " + r.out());
        assertTrue(v.get("sidecar_requests").asLong() >= v.get("round_trips").asLong(), r.out());
        assertTrue(v.get("nginx_throughput_ratio").asDouble() > 0);
        double hit = v.get("hit_ratio_reflex").asDouble();
        assertTrue(hit > 0 && hit < 1, r.out());
        JsonNode drain = v.get("drain");
        assertTrue(drain.get("evictions").asLong() >= 3000 - 1024, "the drain evicted down to 4m of one-block files: " + r.out());
        assertTrue(drain.get("round_trips").asLong() > 0, "the drain asked the sidecar: " + r.out());
        assertTrue(drain.get("policy_evictions").asLong() > 0, "the model chose the drain's victims: " + r.out());
        assertTrue(drain.get("evictions_per_sec").asLong() > 0, r.out());
        assertTrue(drain.get("round_trip_p99_us").asLong() >= drain.get("round_trip_p50_us").asLong(), r.out());
        assertTrue(drain.get("http_requests").asLong() > 0, "HTTP traffic was served while the cache drained: " + r.out());
        assertEquals(0, drain.get("http_requests_failed").asLong(), "every request served while evicting: " + r.out());
    }
}
