package io.reflex.trainer.matching;

import io.reflex.engine.matching.CandidateFeatures;
import io.reflex.engine.matching.OnnxCandidateScorer;
import io.reflex.engine.policy.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer's MLP: its gradient is the derivative of its score, and its ONNX export scores the same. */
class ScorerNetworkTest {

    @TempDir
    Path dir;

    private static float[] rows(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] rows = new float[count * CandidateFeatures.COUNT];
        for (int i = 0; i < rows.length; i++) {
            int column = i % CandidateFeatures.COUNT;
            boolean shared = column >= CandidateFeatures.SHARED_FROM && column < CandidateFeatures.SHARED_TO;
            // Rows of one decision share the context columns, as CandidateFeatures writes them.
            rows[i] = shared && i >= CandidateFeatures.COUNT ? rows[column] : (float) random.nextDouble();
        }
        return rows;
    }

    @Test
    void accumulatedGradientMatchesFiniteDifferences() {
        ScorerNetwork net = ScorerNetwork.initialised(3, 8, 6);
        float[] row = rows(1, 1);
        double[] cache = new double[net.cacheWidth()];
        net.score(row, 0, cache, 0);
        net.accumulate(cache, 0, 1.0);

        List<double[]> params = net.parameters();
        List<double[]> grads = net.gradients();
        double h = 1e-6;
        int checked = 0;
        for (int p = 0; p < params.size(); p++) {
            double[] theta = params.get(p);
            for (int i = 0; i < theta.length; i += 3) {
                double saved = theta[i];
                theta[i] = saved + h;
                double up = net.score(row, 0, new double[net.cacheWidth()], 0);
                theta[i] = saved - h;
                double down = net.score(row, 0, new double[net.cacheWidth()], 0);
                theta[i] = saved;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, grads.get(p)[i], 1e-6, "parameter " + p + "[" + i + "]");
                checked++;
            }
        }
        assertTrue(checked > 50);
    }

    @Test
    void ascendingTheScoresGradientRaisesTheScore() {
        ScorerNetwork net = ScorerNetwork.initialised(5, 16, 16);
        float[] row = rows(2, 1);
        double[] cache = new double[net.cacheWidth()];
        double before = net.score(row, 0, cache, 0);
        for (int step = 0; step < 20; step++) {
            net.score(row, 0, cache, 0);
            net.accumulate(cache, 0, 1.0);
            net.ascend(0.01, 1, 10);
        }
        assertTrue(net.score(row, 0, cache, 0) > before + 0.1);
    }

    @Test
    void theExportedModelScoresAsTheNetworkDoesOnTheEngineFastPath() {
        ScorerNetwork net = ScorerNetwork.initialised(7, 16, 16);
        float[] golden = rows(3, 4);
        Path file = dir.resolve("scorer.onnx");
        net.export(file, golden, 4);

        float[] probe = rows(4, 5);
        float[] scores = new float[5];
        try (OnnxCandidateScorer scorer = OnnxCandidateScorer.load(file, Backend.VECTOR)) {
            scorer.score(5, new int[5], probe, scores);
        }
        double[] cache = new double[net.cacheWidth()];
        for (int r = 0; r < 5; r++) {
            assertEquals(net.score(probe, r * CandidateFeatures.COUNT, cache, 0), scores[r], 1e-4);
        }
        assertEquals("16-16-16-1", net.layerName());
    }
}
