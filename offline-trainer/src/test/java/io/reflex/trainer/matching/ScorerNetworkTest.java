package io.reflex.trainer.matching;

import io.reflex.compute.DenseLayer;
import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.matching.CandidateFeatures;
import io.reflex.engine.matching.OnnxCandidateScorer;
import io.reflex.engine.policy.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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

    private static ScorerNetwork network(long seed, int... hidden) {
        return ScorerNetwork.create(new VectorCpuBackend(), seed, 8, hidden);
    }

    /**
     * The score as a double-precision evaluation of the network's (float) weights: with a small
     * perturbation of one weight, central differences of it are the exact derivative up to double
     * rounding (a ReLU network is linear in any one weight while no unit changes side).
     */
    private static double score(ScorerNetwork net, float[] row) {
        return ScorerNetwork.evaluate(net.toMlpGraph(), row);
    }

    @Test
    void accumulatedGradientMatchesFiniteDifferences() {
        ScorerNetwork net = network(3, 8, 6);
        float[] row = rows(1, 1);
        System.arraycopy(row, 0, net.batchInput(1), 0, row.length);
        net.scoreGradient()[0] = 1f;
        net.accumulate(1);

        float h = 1e-3f;
        int checked = 0;
        for (DenseLayer layer : net.layers()) {
            for (float[][] pair : new float[][][] {{layer.weights(), layer.weightGrad()}, {layer.bias(), layer.biasGrad()}}) {
                float[] theta = pair[0];
                float[] grad = pair[1];
                for (int i = 0; i < theta.length; i += 3) {
                    float saved = theta[i];
                    theta[i] = saved + h;
                    double up = score(net, row);
                    theta[i] = saved - h;
                    double down = score(net, row);
                    theta[i] = saved;
                    double numeric = (up - down) / ((double) (saved + h) - (double) (saved - h));
                    // float backward pass: a few float roundings of terms of size ~1
                    assertEquals(numeric, grad[i], 1e-5, "parameter " + i + " of a " + layer.inputs() + "x" + layer.outputs());
                    checked++;
                }
            }
        }
        assertTrue(checked > 50);
    }

    @Test
    void ascendingTheScoresGradientRaisesTheScore() {
        ScorerNetwork net = network(5, 16, 16);
        float[] row = rows(2, 1);
        double before = net.forward(row, 1)[0];
        for (int step = 0; step < 20; step++) {
            System.arraycopy(row, 0, net.batchInput(1), 0, row.length);
            net.scoreGradient()[0] = 1f;
            net.accumulate(1);
            net.ascend(0.01, 1, 10);
        }
        assertTrue(net.forward(row, 1)[0] > before + 0.1);
    }

    @Test
    void theExportedModelScoresAsTheNetworkDoesOnTheEngineFastPath() {
        ScorerNetwork net = network(7, 16, 16);
        float[] golden = rows(3, 4);
        Path file = dir.resolve("scorer.onnx");
        net.export(file, golden, 4);

        float[] probe = rows(4, 5);
        float[] scores = new float[5];
        try (OnnxCandidateScorer scorer = OnnxCandidateScorer.load(file, Backend.VECTOR)) {
            scorer.score(5, new int[5], probe, scores);
        }
        float[] trained = net.forward(probe, 5);
        for (int r = 0; r < 5; r++) {
            assertEquals(trained[r], scores[r], 1e-4);
        }
        assertEquals("16-16-16-1", net.layerName());
    }
}
