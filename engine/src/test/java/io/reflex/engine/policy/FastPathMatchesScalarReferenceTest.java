package io.reflex.engine.policy;

import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.RandomGraphs;
import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Vector API fast path computes what the plain {@link ScalarReference} computes, for networks of
 * any width from 1 to 70 (every padding and tail case of the vector kernels), 1 to 4 dense layers,
 * any mix of activations, plain chains and dueling heads (single-layer heads, which the fast path combines into one layer, and heads with a hidden layer, which it evaluates separately).
 *
 * <p>Each try writes the network as ONNX, loads it with {@link Backend#VECTOR} (so the reader, the
 * compiler and the evaluator are all exercised, and the loader's own agreement check against ONNX
 * Runtime runs too), evaluates eight seeded rows, and compares them with the reference.
 *
 * <p><b>Tolerance.</b> {@code |fast - reference| <= 1e-4 * max(s, 1)}, where {@code s} is the
 * largest magnitude in the reference's row. The fast path accumulates in float with fused
 * multiply-adds in blocked order, and its tanh and exp are vector approximations; the reference
 * accumulates in double. With Glorot-scaled weights and inputs of standard deviation 2, every
 * intermediate sum is O(1) to O(10), so float rounding over at most 70 terms and 4 layers stays
 * near 1e-6 absolute (the worst seen over 1,500 tries was 8e-7): 1e-4 leaves a wide margin. The floor of 1 keeps the bound meaningful when a
 * whole row is small (a single output that is the cancellation of O(1) terms has no scale of its
 * own). Any real defect (a dropped bias, a wrong lane, the wrong activation or slope, a mis-centred
 * dueling mean) moves outputs by 1e-2 or more and is caught.
 */
class FastPathMatchesScalarReferenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final int ROWS = 8;

    @Test
    void vectorFastPathAgreesWithAPlainScalarEvaluation() {
        PropertyCheck.tries(100).forAll(
                g -> new NetworkCase(RandomGraphs.shape(g, 70), g.bool()),
                NetworkCase::check);
    }

    /** A generated network of widths 1 to 70, written in the {@code Gemm} or the {@code MatMul}+{@code Add} form. */
    private record NetworkCase(RandomGraphs.Shape shape, boolean matMulAdd) {
        void check() {
            MlpGraph graph = shape.build();
            OnnxModel model = OnnxModel.parse(Path.of("generated-" + shape.seed() + ".onnx"),
                    OnnxModelWriter.of(graph).matMulAdd(matMulAdd).toBytes());
            PolicyLoader loader = PolicyLoader.builder().backend(Backend.VECTOR).batch(ROWS).build();

            try (Policy policy = loader.load(model); Policy.Evaluator evaluator = policy.newEvaluator()) {
                assertEquals(Backend.VECTOR, policy.backend());
                float[] x = RandomGraphs.inputs(shape.seed() ^ 0x5A5A, ROWS, graph.inputWidth());
                float[] fast = new float[policy.outputSize()];
                evaluator.evaluate(x, fast);

                float[] reference = ScalarReference.evaluateRows(graph, x, ROWS);
                assertAgree(reference, fast, graph.outputWidth());
            }
        }
    }

    private static void assertAgree(float[] reference, float[] fast, int width) {
        for (int row = 0; row < reference.length; row += width) {
            double scale = 1.0;
            for (int j = row; j < row + width; j++) {
                scale = Math.max(scale, Math.abs(reference[j]));
            }
            for (int j = row; j < row + width; j++) {
                double error = Math.abs((double) fast[j] - reference[j]);
                if (!(error <= TOLERANCE * scale)) {
                    fail("row " + row / width + ", output " + (j - row) + ": fast path " + fast[j]
                            + ", reference " + reference[j] + " (error " + error + ", allowed " + TOLERANCE * scale + ")");
                }
            }
        }
    }
}
