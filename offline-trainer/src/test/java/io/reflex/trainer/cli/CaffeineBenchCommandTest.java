package io.reflex.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON contract of {@code ./reflex bench caffeine} (contracts.md) and its usage errors. */
class CaffeineBenchCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static int run(StringWriter out, StringWriter err, String... args) {
        return ReflexCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void printsTheContractFieldsForTheDefaultUntrainedRowPolicyOverSixtyFourCandidates() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, "bench", "caffeine", "--rounds", "1", "--json");

        assertEquals(0, exit, err.toString());
        JsonNode r = JSON.readTree(out.toString());
        for (String field : new String[] {"read_throughput_ratio", "write_throughput_ratio", "hit_ratio_reflex", "hit_ratio_caffeine"}) {
            assertTrue(r.path(field).isNumber(), field + " missing in " + r);
            assertTrue(r.get(field).asDouble() > 0, field + " must be positive: " + r);
        }
        assertEquals(64, r.get("k").asInt(), r.toString());
        assertEquals("untrained-candidate-rows-k64", r.get("model").asText());
        // Every write evicts and the policy decides; a decision past its 5 ms deadline on a loaded
        // machine falls back to Caffeine, which is counted, and must stay rare.
        long decisions = r.get("policy_decisions").asLong();
        assertTrue(decisions > 0, r.toString());
        assertTrue(r.get("fallback_writes").asLong() * 100 <= decisions, r.toString());
    }

    @Test
    void refusesAnUnknownLayoutAndAMissingModelWithAOneLineError() {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "bench", "caffeine", "--layout", "rows", "--json"));
        assertTrue(err.toString().contains("--layout must be candidate-rows or joint, got 'rows'"), err.toString());

        StringWriter missing = new StringWriter();
        assertEquals(2, run(new StringWriter(), missing, "bench", "caffeine", "--model", "no-such.onnx", "--json"));
        assertTrue(missing.toString().contains("no such file no-such.onnx"), missing.toString());
    }
}
