package io.reflex.engine.policy;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.GoldenPairs;
import io.reflex.engine.onnx.HandBuiltModels;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.RandomGraphs;
import io.reflex.engine.onnx.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loader serves a model on the fast path when it can, on ONNX Runtime when asked to or when the
 * graph is outside the fast path, and always says which and why in {@link Policy#fastPathStatus()}.
 */
class BackendSelectionTest {

    @TempDir
    Path dir;

    @Test
    void servesAnMlpOnTheVectorFastPathByDefaultAndSaysWhatItCompiled() {
        Path file = dir.resolve("chain.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(1, Activation.RELU, 32, 64, 64, 8)).write(file);

        try (Policy policy = PolicyLoader.builder().batch(4).build().load(file)) {
            assertEquals(Backend.VECTOR, policy.backend());
            assertTrue(policy.fastPathStatus().startsWith("compiled to the Vector API"), policy.fastPathStatus());
            assertTrue(policy.fastPathStatus().contains("3 dense layers"), policy.fastPathStatus());
            assertEquals(file, policy.source());
            assertEquals(TensorSpec.of("input", 4, 32), policy.input());
            assertEquals(4 * 32, policy.inputSize());
            assertEquals(4 * 8, policy.outputSize());
        }
    }

    @Test
    void reportsThatItCompiledTheDuelingHead() {
        Path file = dir.resolve("dueling.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(2, 96, 128, 128, 17)).matMulAdd(true).write(file);

        try (Policy policy = PolicyLoader.defaults().load(file)) {
            assertEquals(Backend.VECTOR, policy.backend());
            assertTrue(policy.fastPathStatus().contains("dueling head"), policy.fastPathStatus());
        }
    }

    @Test
    void servesASingleOutputModelOnTheFastPath() {
        // Regression: a lone output that is a cancellation of larger terms was held to its own
        // magnitude, so half of such models failed the agreement check and left the fast path.
        for (long seed = 0; seed < 20; seed++) {
            Path file = dir.resolve("score-" + seed + ".onnx");
            OnnxModelWriter.of(MlpGraph.randomChain(seed, Activation.TANH, 32, 64, 64, 1)).write(file);

            try (Policy policy = PolicyLoader.builder().backend(Backend.VECTOR).build().load(file)) {
                assertEquals(Backend.VECTOR, policy.backend(), "seed " + seed);
            }
        }
    }

    @Test
    void acceptsGoldenPairsOfASingleOutputModelComputedWithADifferentSummationOrder() {
        MlpGraph graph = MlpGraph.randomChain(11, Activation.RELU, 32, 64, 64, 1);
        List<float[]> inputs = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        for (int p = 0; p < 32; p++) {
            float[] x = RandomGraphs.inputs(200 + p, 1, 32);
            inputs.add(x);
            outputs.add(ScalarReference.evaluate(graph, x, 0));
        }
        Path file = dir.resolve("score-golden.onnx");
        OnnxModelWriter.of(graph).golden(new GoldenPairs(inputs, outputs)).write(file);

        for (Backend backend : List.of(Backend.VECTOR, Backend.ONNX_RUNTIME)) {
            try (Policy policy = PolicyLoader.builder().backend(backend).build().load(file)) {
                assertEquals(backend, policy.backend());
            }
        }
    }

    @Test
    void servesOnOnnxRuntimeWhenAskedWithoutAttemptingTheFastPath() {
        Path file = dir.resolve("chain.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(3, Activation.TANH, 16, 8, 4)).write(file);

        try (Policy policy = PolicyLoader.builder().backend(Backend.ONNX_RUNTIME).build().load(file)) {
            assertEquals(Backend.ONNX_RUNTIME, policy.backend());
            assertTrue(policy.fastPathStatus().contains("not attempted"), policy.fastPathStatus());
        }
    }

    @Test
    void fallsBackToOnnxRuntimeForAnUnsupportedOperatorNamingItAndStillComputesTheModel() throws IOException {
        Dense dense = RandomGraphs.dense(4, 16, 5);
        Path file = Files.write(dir.resolve("softmax.onnx"), HandBuiltModels.gemmThenSoftmax(dense));

        try (Policy policy = PolicyLoader.builder().output("probs").build().load(file);
             Policy.Evaluator evaluator = policy.newEvaluator()) {
            assertEquals(Backend.ONNX_RUNTIME, policy.backend());
            assertTrue(policy.fastPathStatus().contains("'" + HandBuiltModels.SOFTMAX_NODE + "' (Softmax)"),
                    policy.fastPathStatus());
            assertTrue(policy.fastPathStatus().contains("not in the fast path's operator set"), policy.fastPathStatus());

            float[] x = RandomGraphs.inputs(5, 1, 16);
            float[] probs = new float[5];
            evaluator.evaluate(x, probs);
            float[] logits = ScalarReference.evaluate(MlpGraph.chain(16, List.of(dense)), x, 0);
            double max = Double.NEGATIVE_INFINITY;
            for (float l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            for (float l : logits) {
                sum += Math.exp(l - max);
            }
            for (int j = 0; j < 5; j++) {
                assertEquals(Math.exp(logits[j] - max) / sum, probs[j], 1e-5, "probability " + j);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void namesEachBackendByALabelThatParsesBack(Backend backend) {
        assertEquals(backend, Backend.fromLabel(backend.label()));
    }

    @Test
    void refusesAnUnknownBackendLabelNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backend.fromLabel("gpu"));

        assertTrue(e.getMessage().contains("'gpu'"), e.getMessage());
    }
}
