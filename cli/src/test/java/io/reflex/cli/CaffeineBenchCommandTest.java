package io.reflex.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

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
        assertEquals(50_000, r.get("resident").asInt(), r.toString());
        assertTrue(r.path("read_overhead_ns_per_hit").isNumber(), r.toString());
        JsonNode breakEven = r.path("break_even_miss_cost_ns");
        assertTrue(breakEven.isNumber() || breakEven.isNull() && r.path("break_even_miss_cost_reason").isTextual(),
                r.toString());
        // Every write evicts and the policy decides; a decision past its 5 ms deadline on a loaded
        // machine falls back to Caffeine, which is counted, and must stay rare.
        long decisions = r.get("policy_decisions").asLong();
        assertTrue(decisions > 0, r.toString());
        assertTrue(r.get("fallback_writes").asLong() * 100 <= decisions, r.toString());
    }

    @Test
    void withForksRunsTheBenchInFreshJvmsAndReportsTheMedianAndEachForksRatios() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, "bench", "caffeine", "--rounds", "1", "--forks", "2", "--json");

        assertEquals(0, exit, err.toString());
        JsonNode r = JSON.readTree(out.toString());
        assertEquals(2, r.get("forks").asInt(), r.toString());
        JsonNode reads = r.get("read_throughput_ratio_forks");
        assertEquals(2, reads.size(), r.toString());
        assertEquals((reads.get(0).asDouble() + reads.get(1).asDouble()) / 2, r.get("read_throughput_ratio").asDouble(), 1e-9);
        assertEquals(2, r.get("write_cpu_cost_ratio_forks").size(), r.toString());
        assertEquals(64, r.get("k").asInt(), r.toString());
        assertTrue(err.toString().contains("fork 2/2"), err.toString());
    }

    @Test
    void theMedianOfForksTakesEachNumberItsOwnMedianAndKeepsTheFirstForksText() throws Exception {
        List<JsonNode> forks = List.of(
                JSON.readTree("{\"read_throughput_ratio\":0.9,\"write_cpu_cost_ratio\":2.0,\"k\":64,\"model\":\"a\"}"),
                JSON.readTree("{\"read_throughput_ratio\":0.5,\"write_cpu_cost_ratio\":3.0,\"k\":64,\"model\":\"b\"}"),
                JSON.readTree("{\"read_throughput_ratio\":0.7,\"write_cpu_cost_ratio\":1.0,\"k\":64,\"model\":\"c\"}"));

        Map<String, Object> merged = BenchCaffeineCommand.medianOf(forks);

        assertEquals(0.7, merged.get("read_throughput_ratio"));
        assertEquals(2.0, merged.get("write_cpu_cost_ratio"));
        assertEquals(64L, merged.get("k"));
        assertEquals("a", merged.get("model"));
        assertEquals(3, merged.get("forks"));
        assertEquals(List.of(0.9, 0.5, 0.7), merged.get("read_throughput_ratio_forks"));
        assertEquals(List.of(2.0, 3.0, 1.0), merged.get("write_cpu_cost_ratio_forks"));
    }

    @Test
    void theMedianOfForksKeepsANullAsNull() throws Exception {
        List<JsonNode> forks = List.of(
                JSON.readTree("{\"break_even_miss_cost_ns\":null,\"break_even_miss_cost_reason\":\"no gain\"}"),
                JSON.readTree("{\"break_even_miss_cost_ns\":null,\"break_even_miss_cost_reason\":\"no gain\"}"));

        Map<String, Object> merged = BenchCaffeineCommand.medianOf(forks);

        assertTrue(merged.containsKey("break_even_miss_cost_ns"));
        assertEquals(null, merged.get("break_even_miss_cost_ns"));
        assertEquals("no gain", merged.get("break_even_miss_cost_reason"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "--forks, 0, '--forks must be in [1, 15]'",
            "--forks, 16, '--forks must be in [1, 15]'",
            "--resident, 999, '--resident must be in [1000, 2000000]'",
            "--resident, 2000001, '--resident must be in [1000, 2000000]'"})
    void refusesAForkOrResidentKeyCountOutOfRangeWithAOneLineError(String option, String value, String message) {
        StringWriter err = new StringWriter();
        assertEquals(2, run(new StringWriter(), err, "bench", "caffeine", option, value, "--json"));
        assertTrue(err.toString().contains(message), err.toString());
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
