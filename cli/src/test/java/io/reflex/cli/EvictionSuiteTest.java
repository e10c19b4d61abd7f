package io.reflex.cli;

import io.reflex.trainer.suite.DqnSuiteTraining;
import io.reflex.trainer.suite.EvictionSuite;
import io.reflex.trainer.suite.SuiteManifest;
import io.reflex.trainer.suite.SuiteSummary;
import io.reflex.trainer.suite.SuiteTraces;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link EvictionSuite} with the learned policy: one model per trace, trained briefly, then zero-shot. */
class EvictionSuiteTest {

    @TempDir
    Path dir;

    @Test
    void trainsOneModelPerTraceOnItsFirstPartAndEvaluatesItAsReflexBesideTheBaselines() throws Exception {
        SuiteTraces.lirs(dir, "a.trace", 11, 5_000, 300);
        SuiteTraces.lirs(dir, "b.trace", 12, 5_000, 500);
        SuiteManifest manifest = SuiteManifest.read(SuiteTraces.manifest(dir, """
                {"name": "learned", "split": 0.5, "traces": [
                  {"file": "a.trace", "format": "lirs", "sizes": ["60", "150"]},
                  {"file": "b.trace", "format": "lirs", "sizes": ["100"]}]}"""));
        Path models = dir.resolve("models");
        List<String> policies = List.of("lru", "s3fifo", "belady", "reflex");

        EvictionSuite.Outcome o = EvictionSuite.run(manifest, manifest.traces(), new EvictionSuite.Settings(policies,
                null, models, new DqnSuiteTraining().withSteps(150), 3, 2, null));

        assertEquals(2, o.runs().size());
        assertEquals(models.resolve("01-a.onnx"), o.runs().get(0).model());
        assertEquals(models.resolve("02-b.onnx"), o.runs().get(1).model());
        assertTrue(Files.size(o.runs().get(0).model()) > 0);
        assertEquals(3 * policies.size(), o.rows().size());
        assertEquals(policies, o.rows().subList(0, 4).stream().map(SuiteSummary.Row::policy).toList(),
                "rows are policy-major in the order asked for, reflex included");
        SuiteSummary s = o.summary();
        assertEquals(3, s.cells());
        double reflexMinusLruWorst = Double.POSITIVE_INFINITY;
        int ge = 0;
        for (int cell = 0; cell < 3; cell++) {
            List<SuiteSummary.Row> rows = o.rows().subList(4 * cell, 4 * cell + 4);
            double lru = rows.get(0).hitRatio();
            double reflex = rows.get(3).hitRatio();
            assertTrue(rows.get(2).hitRatio() >= reflex, "reflex never beats Belady");
            reflexMinusLruWorst = Math.min(reflexMinusLruWorst, reflex - lru);
            ge += reflex >= Math.max(lru, rows.get(1).hitRatio()) ? 1 : 0;
        }
        assertEquals(reflexMinusLruWorst, s.worstReflexMinusLru(), 1e-12);
        assertEquals(ge, s.cellsReflexGeBestClassical());
        assertEquals(s.meanHitRatio().get("reflex") - s.meanHitRatio().get(s.bestClassicalPolicy()),
                s.reflexMinusBestClassicalMean(), 1e-12);

        // Zero-shot: the first trace's model on every trace, nothing trained.
        Path model = o.runs().get(0).model();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ReflexCommand.execute(new String[] {"eviction", "suite", "--manifest", manifest.file().toString(),
                "--policies", "lru,reflex", "--model", model.toString(), "--json"}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(0, exit, err.toString());
        JsonNode v = new ObjectMapper().readTree(out.toString());
        for (JsonNode run : v.get("trace_runs")) {
            assertEquals(model.toString(), run.get("model").asText());
            assertEquals(0, run.get("train_seconds").asDouble());
        }
        assertEquals(o.rows().get(3).hitRatio(), v.get("traces").get(1).get("hit_ratio").asDouble(), 1e-12,
                "the same model on the same evaluation part hits the same");
        assertTrue(v.get("summary").get("cells_reflex_below_lru").isInt());
    }
}
