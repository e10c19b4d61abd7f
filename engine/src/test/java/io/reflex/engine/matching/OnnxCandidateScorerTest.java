package io.reflex.engine.matching;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.ModelLoadException;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Backend;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real ONNX scorer (written by {@link OnnxModelWriter}, served by the fast path) inside the matcher. */
class OnnxCandidateScorerTest {

    @TempDir
    Path dir;

    private Path model(long seed, int... widths) {
        Path file = dir.resolve("scorer-" + seed + ".onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(seed, Activation.RELU, widths)).write(file);
        return file;
    }

    @Test
    void scoresEveryRowAsThePlainMlpDoesOnTheFastPath() {
        MlpGraph graph = MlpGraph.randomChain(3, Activation.RELU, 16, 24, 24, 1);
        Path file = dir.resolve("scorer.onnx");
        OnnxModelWriter.of(graph).write(file);
        SplittableRandom random = new SplittableRandom(5);
        int rows = 7;
        float[] features = new float[rows * CandidateFeatures.COUNT];
        for (int i = 0; i < features.length; i++) {
            int column = i % CandidateFeatures.COUNT;
            boolean shared = column >= CandidateFeatures.SHARED_FROM && column < CandidateFeatures.SHARED_TO;
            // Rows of one decision share the context columns, as CandidateFeatures writes them.
            features[i] = shared && i >= CandidateFeatures.COUNT ? features[column] : (float) random.nextDouble();
        }
        float[] scores = new float[rows];

        try (OnnxCandidateScorer scorer = OnnxCandidateScorer.load(file, Backend.VECTOR)) {
            scorer.score(rows, new int[rows], features, scores);
            assertEquals(Backend.VECTOR, scorer.policy().backend());
        }

        for (int r = 0; r < rows; r++) {
            float[] row = java.util.Arrays.copyOfRange(features, r * 16, r * 16 + 16);
            assertEquals(forward(graph, row), scores[r], 1e-4 * Math.max(1, Math.abs(scores[r])));
        }
    }

    private static double forward(MlpGraph graph, float[] input) {
        double[] x = new double[input.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = input[i];
        }
        for (Layer layer : graph.trunk()) {
            if (layer instanceof Dense d) {
                double[] y = new double[d.outputs()];
                for (int o = 0; o < d.outputs(); o++) {
                    double s = d.bias()[o];
                    for (int i = 0; i < d.inputs(); i++) {
                        s += d.weight(o, i) * x[i];
                    }
                    y[o] = s;
                }
                x = y;
            } else if (layer instanceof Activation a) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = a.apply((float) x[i]);
                }
            }
        }
        return x[0];
    }

    @Test
    void lomarWithARealOnnxScorerKeepsTheGuaranteeAndUsesBothBranches() {
        long rl = 0;
        long expert = 0;
        try (OnnxCandidateScorer scorer = OnnxCandidateScorer.load(model(9, 16, 16, 16, 1))) {
            for (long seed = 0; seed < 40; seed++) {
                TestInstances.Instance instance = seed % 2 == 0
                        ? TestInstances.random(seed, 10, 40, 2, 0.4, true)
                        : TestInstances.adversarial(TestInstances.ADVERSARIAL.get((int) (seed / 2 % 4)), seed, 10, 40, 1);
                for (double rho : new double[] {0.4, 0.8, 1.0}) {
                    LomarMatcher m = LomarMatcher.builder(instance.nodes()).scorer(scorer).rho(rho)
                            .horizon(40).build();
                    for (double[] w : instance.arrivals()) {
                        m.decide(w);
                    }
                    double alone = TestInstances.expertReward(instance, ExpertRule.greedy());
                    assertTrue(m.reward() >= rho * alone - 1e-9 * (1 + alone), instance + " at rho " + rho);
                    rl += m.rlDecisions();
                    expert += m.expertDecisions();
                }
            }
        }
        assertTrue(rl > 0 && expert > 0, "rl " + rl + ", expert " + expert);
    }

    @Test
    void refusesAModelOfTheWrongShapeNamingTheFile() {
        Path wide = model(1, 8, 4, 1);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxCandidateScorer.load(wide));
        assertTrue(e.getMessage().contains(wide.toString()), e.getMessage());

        try (Policy twoOutputs = PolicyLoader.defaults().load(model(2, 16, 2))) {
            assertThrows(IllegalArgumentException.class, () -> OnnxCandidateScorer.sharing(twoOutputs));
        }
    }

    @Test
    void aSharedPolicyOutlivesTheScorersThatUseIt() {
        try (Policy policy = OnnxCandidateScorer.loader(Backend.AUTO).load(model(4, 16, 8, 1))) {
            float[] scores = new float[1];
            try (OnnxCandidateScorer a = OnnxCandidateScorer.sharing(policy)) {
                a.score(1, new int[1], new float[16], scores);
            }
            try (OnnxCandidateScorer b = OnnxCandidateScorer.sharing(policy)) {
                float first = scores[0];
                b.score(1, new int[1], new float[16], scores);
                assertEquals(first, scores[0]);
            }
        }
    }
}
