package io.reflex.engine.policy;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Many rows through a batch-1 policy in one call: the same outputs as one call per row. */
class EvaluateRowsTest {

    private static final Activation[] HIDDEN = {Activation.RELU, Activation.TANH, Activation.SIGMOID,
        Activation.leakyRelu(0.1f)};

    @Test
    void rowsInVectorLanesMatchOneEvaluationPerRow() {
        PropertyCheck.tries(60).forAll(
                g -> new LanesCase(g.ints(1, 40), g.ints(1, 33), g.ints(1, 9), g.ints(0, 100), g.ints(0, 3),
                        g.anyLong()),
                LanesCase::check);
    }

    /**
     * A chain {@code inputs -> hidden -> hidden -> outputs} with one of the {@link #HIDDEN} activations,
     * and {@code rows} seeded rows.
     */
    private record LanesCase(int inputs, int hidden, int outputs, int rows, int activation, long seed) {
        void check() throws IOException {
            Path file = Files.createTempFile("reflex-rows", ".onnx");
            try {
                OnnxModelWriter.of(MlpGraph.randomChain(seed, HIDDEN[activation], inputs, hidden, hidden, outputs))
                        .fixedBatch(1).write(file);
                try (Policy fast = PolicyLoader.builder().backend(Backend.VECTOR).build().load(file);
                     Policy.Evaluator e = fast.newEvaluator()) {
                    float[] in = new float[rows * inputs];
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < in.length; i++) {
                        in[i] = (float) r.nextGaussian();
                    }
                    float[] batched = new float[rows * outputs + 1];
                    batched[rows * outputs] = 42f;
                    e.evaluateRows(in, rows, batched);

                    float[] row = new float[inputs];
                    float[] one = new float[outputs];
                    float[] expected = new float[rows * outputs];
                    for (int k = 0; k < rows; k++) {
                        System.arraycopy(in, k * inputs, row, 0, inputs);
                        e.evaluate(row, one);
                        System.arraycopy(one, 0, expected, k * outputs, outputs);
                    }
                    // Summation order differs between the lane and the row kernels: rounding, not more. Each
                    // output is held to its scale over all rows (a row of one small output has none of its own).
                    float[] scales = new float[outputs];
                    RelativeTolerance.widenOutputScales(scales, expected, expected.length, outputs);
                    int bad = new RelativeTolerance(1e-5).firstMismatch(expected, batched, expected.length, outputs, scales);
                    assertEquals(-1, bad, () -> "rows in lanes differ from one evaluation per row at " + bad + ": "
                            + batched[bad] + " vs " + expected[bad]);
                    assertEquals(42f, batched[rows * outputs], "nothing is written past the rows");
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void aRowScoresTheSameBitsWhereverItFallsInACall() {
        PropertyCheck.tries(40).forAll(
                g -> new PlacementCase(g.ints(1, 24), g.ints(1, 40), g.ints(1, 3), g.ints(0, 4), g.ints(0, 3),
                        g.anyLong()),
                PlacementCase::check);
    }

    /**
     * {@code blocks} whole lane blocks and a tail of one or two rows (the incoming object's row after
     * K = 64 candidates, which the fast path scores by itself), each row's outputs then compared bit
     * for bit with the same row scored inside a full block of other rows.
     */
    private record PlacementCase(int inputs, int hidden, int outputs, int blocks, int activation, long seed) {
        void check() throws IOException {
            int lanes = VectorMlp.lanes();
            int rows = blocks * lanes + 1 + (int) Math.floorMod(seed, Math.max(1, lanes / 8));
            Path file = Files.createTempFile("reflex-rows-placement", ".onnx");
            try {
                OnnxModelWriter.of(MlpGraph.randomChain(seed, HIDDEN[activation], inputs, hidden, hidden, outputs))
                        .fixedBatch(1).write(file);
                try (Policy fast = PolicyLoader.builder().backend(Backend.VECTOR).build().load(file);
                     Policy.Evaluator e = fast.newEvaluator()) {
                    SplittableRandom r = new SplittableRandom(seed);
                    float[] in = new float[rows * inputs];
                    for (int i = 0; i < in.length; i++) {
                        in[i] = (float) r.nextGaussian();
                    }
                    float[] all = new float[rows * outputs];
                    e.evaluateRows(in, rows, all);
                    float[] block = new float[lanes * inputs];
                    float[] blockOut = new float[lanes * outputs];
                    for (int k = 0; k < rows; k++) {
                        for (int i = 0; i < block.length; i++) {
                            block[i] = (float) r.nextGaussian();
                        }
                        int at = k % lanes;
                        System.arraycopy(in, k * inputs, block, at * inputs, inputs);
                        e.evaluateRows(block, lanes, blockOut);
                        for (int o = 0; o < outputs; o++) {
                            int row = k;
                            int out = o;
                            assertEquals(Float.floatToRawIntBits(blockOut[at * outputs + o]),
                                    Float.floatToRawIntBits(all[k * outputs + o]),
                                    () -> "row " + row + " of " + rows + ", output " + out + ": alone in its call's tail "
                                            + "it scores other bits than inside a full lane block");
                        }
                    }
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void onnxRuntimeEvaluatesRowsOneByOneWithTheSameResults() throws IOException {
        Path file = Files.createTempFile("reflex-rows-ort", ".onnx");
        try {
            OnnxModelWriter.of(MlpGraph.randomChain(5, Activation.RELU, 16, 16, 16, 1)).fixedBatch(1).write(file);
            try (Policy ort = PolicyLoader.builder().backend(Backend.ONNX_RUNTIME).build().load(file);
                 Policy.Evaluator e = ort.newEvaluator()) {
                float[] in = new float[7 * 16];
                for (int i = 0; i < in.length; i++) {
                    in[i] = (i % 13) * 0.1f - 0.5f;
                }
                float[] batched = new float[7];
                e.evaluateRows(in, 7, batched);
                float[] expected = new float[7];
                float[] row = new float[16];
                float[] one = new float[1];
                for (int k = 0; k < 7; k++) {
                    System.arraycopy(in, k * 16, row, 0, 16);
                    e.evaluate(row, one);
                    expected[k] = one[0];
                }
                assertArrayEquals(expected, batched);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void refusesRowsForAPolicyBoundToALargerBatch() throws IOException {
        Path file = Files.createTempFile("reflex-rows-batch", ".onnx");
        try {
            OnnxModelWriter.of(MlpGraph.randomChain(6, Activation.RELU, 4, 4, 2)).write(file);
            try (Policy p = PolicyLoader.builder().batch(4).build().load(file);
                 Policy.Evaluator e = p.newEvaluator()) {
                assertThrows(IllegalStateException.class, () -> e.evaluateRows(new float[16], 4, new float[8]));
            }
            try (Policy p = PolicyLoader.defaults().load(file);
                 Policy.Evaluator e = p.newEvaluator()) {
                assertThrows(IllegalArgumentException.class, () -> e.evaluateRows(new float[7], 2, new float[4]));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void sharedColumnsFoldedIntoTheFirstLayerGiveTheSameOutputsOnBothBackends() {
        PropertyCheck.tries(60).forAll(
                g -> new SharedColumnsCase(g.ints(1, 24), g.ints(0, 24), g.ints(0, 24), g.ints(1, 70), g.anyLong()),
                SharedColumnsCase::check);
    }

    /**
     * A chain {@code inputs -> 16 -> 16 -> 1}, {@code rows} seeded rows, and a shared column range
     * clipped to the input.
     */
    private record SharedColumnsCase(int inputs, int sharedStart, int sharedLength, int rows, long seed) {
        void check() throws IOException {
            int from = Math.min(sharedStart, inputs);
            int to = Math.min(from + sharedLength, inputs);
            Path file = Files.createTempFile("reflex-rows-shared", ".onnx");
            try {
                OnnxModelWriter.of(MlpGraph.randomChain(seed, Activation.RELU, inputs, 16, 16, 1)).fixedBatch(1).write(file);
                try (Policy fast = PolicyLoader.builder().backend(Backend.VECTOR).build().load(file);
                     Policy ort = PolicyLoader.builder().backend(Backend.ONNX_RUNTIME).build().load(file);
                     Policy.Evaluator f = fast.newEvaluator();
                     Policy.Evaluator o = ort.newEvaluator()) {
                    SplittableRandom r = new SplittableRandom(seed);
                    float[] in = new float[rows * inputs];
                    for (int k = 0; k < rows; k++) {
                        for (int i = 0; i < inputs; i++) {
                            // The shared columns repeat row 0's values, as the contract requires.
                            in[k * inputs + i] = i >= from && i < to && k > 0 ? in[i] : (float) r.nextGaussian();
                        }
                    }
                    float[] folded = new float[rows];
                    float[] reference = new float[rows];
                    f.evaluateRows(in, rows, folded, from, to);
                    o.evaluateRows(in, rows, reference, from, to);
                    float[] scales = new float[1];
                    RelativeTolerance.widenOutputScales(scales, reference, rows, 1);
                    int bad = new RelativeTolerance(1e-5).firstMismatch(reference, folded, rows, 1, scales);
                    assertEquals(-1, bad, () -> "shared columns [" + from + ", " + to + ") folded: row " + bad + " gives "
                            + folded[bad] + ", ONNX Runtime " + reference[bad]);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    @Test
    void refusesASharedColumnRangeOutsideTheInput() throws IOException {
        Path file = Files.createTempFile("reflex-rows-range", ".onnx");
        try {
            OnnxModelWriter.of(MlpGraph.randomChain(8, Activation.RELU, 4, 4, 1)).fixedBatch(1).write(file);
            for (Backend backend : new Backend[] {Backend.VECTOR, Backend.ONNX_RUNTIME}) {
                try (Policy p = PolicyLoader.builder().backend(backend).build().load(file);
                     Policy.Evaluator e = p.newEvaluator()) {
                    float[] in = new float[8];
                    float[] out = new float[2];
                    assertThrows(IllegalArgumentException.class, () -> e.evaluateRows(in, 2, out, 2, 5), backend::name);
                    assertThrows(IllegalArgumentException.class, () -> e.evaluateRows(in, 2, out, 3, 2), backend::name);
                    assertThrows(IllegalArgumentException.class, () -> e.evaluateRows(in, 2, out, -1, 2), backend::name);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
