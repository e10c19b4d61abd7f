package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON contracts of {@code ./reflex log crashtest} and {@code ./reflex bench runtime} (contracts.md). */
class RuntimeCommandsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static JsonNode runJson(int expectedExit, String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(expectedExit, exit, err.toString());
        return JSON.readTree(out.toString());
    }

    @Test
    void crashTestKillsARealChildJvmAndLosesNoAcknowledgedRecord() throws Exception {
        JsonNode r = runJson(0, "log", "crashtest", "--kills", "2", "--min-ms", "400", "--max-ms", "700",
                "--dir", dir.toString(), "--json");

        assertEquals(2, r.get("kills").asInt());
        assertTrue(r.get("records_acknowledged").asLong() > 0, r.toString());
        assertEquals(r.get("records_acknowledged").asLong(), r.get("records_recovered").asLong());
        assertEquals(0, r.get("records_lost").asLong());
        assertTrue(r.has("torn_tails_skipped"));
        assertTrue(r.get("records_in_log").asLong() >= r.get("records_recovered").asLong());
    }

    @Test
    void runtimeBenchSwapsUnderLoadWithoutAFailedDecision() throws Exception {
        JsonNode r = runJson(0, "bench", "runtime", "--swaps", "60", "--threads", "2", "--json");

        assertEquals(60, r.get("swaps").asLong());
        assertEquals(0, r.get("failed_decisions").asLong());
        assertTrue(r.get("decisions_during_swaps").asLong() > 0);
        assertTrue(r.get("rejected_swaps").asLong() >= 1, "the corrupt file must be refused: " + r);
        assertTrue(r.has("metrics_overhead_ns"));
        assertTrue(r.has("breaker_trips"));
        // The slow model breaches its deadline and the NaN model turns non-finite: both must be caught.
        assertTrue(r.get("fallbacks").get("deadline").asLong() + r.get("fallbacks").get("breaker_open").asLong() > 0, r.toString());
        assertTrue(r.get("fallbacks").get("non_finite_output").asLong() > 0, r.toString());
    }
}
