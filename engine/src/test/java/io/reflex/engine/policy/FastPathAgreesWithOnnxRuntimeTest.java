package io.reflex.engine.policy;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.RandomGraphs;
import io.reflex.engine.onnx.TensorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On the model shapes Reflex serves, the Vector API fast path ({@link Backend#VECTOR}) gives the
 * same outputs as ONNX Runtime ({@link Backend#ONNX_RUNTIME}) within {@link RelativeTolerance#DEFAULT},
 * the tolerance the loader itself holds the fast path to: for every hidden activation, for
 * {@code Gemm} and {@code MatMul}+{@code Add} exports, for a fixed batch and a dynamic one.
 */
class FastPathAgreesWithOnnxRuntimeTest {

    private static final int SAMPLES = 100;

    @TempDir
    Path dir;

    /** A model to compare on: how it is named in reports, the network, and the exporter's form. */
    record Case(String name, MlpGraph graph, boolean matMulAdd) {
        @Override
        public String toString() {
            return name + (matMulAdd ? ", MatMul+Add" : ", Gemm");
        }
    }

    static Stream<Case> cases() {
        List<Activation> hidden = List.of(Activation.RELU, Activation.leakyRelu(0.01f), Activation.TANH, Activation.SIGMOID);
        List<Case> cases = new ArrayList<>();
        long seed = 100;
        for (Activation a : hidden) {
            String act = a.kind().onnxOp();
            for (boolean matMulAdd : new boolean[] {false, true}) {
                cases.add(new Case("chain 32-64-64-8 " + act,
                        MlpGraph.randomChain(seed++, a, 32, 64, 64, 8), matMulAdd));
                cases.add(new Case("chain 128-256-256-16 " + act,
                        MlpGraph.randomChain(seed++, a, 128, 256, 256, 16), matMulAdd));
                cases.add(new Case("dueling 96-128-128-17 " + act,
                        dueling(seed++, a, 96, 128, 128, 17), matMulAdd));
                cases.add(new Case("dueling 128-256-256-16 " + act,
                        dueling(seed++, a, 128, 256, 256, 16), matMulAdd));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastPathMatchesOnnxRuntimeOnAFixedBatchOfOne(Case c) {
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(c.graph()).matMulAdd(c.matMulAdd()).fixedBatch(1).write(file);

        assertBackendsAgree(file, PolicyLoader.builder(), 1, c.graph());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastPathMatchesOnnxRuntimeOnADynamicBatchOfFour(Case c) {
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(c.graph()).matMulAdd(c.matMulAdd()).write(file);

        assertBackendsAgree(file, PolicyLoader.builder().batch(4), 4, c.graph());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fastPathMatchesOnnxRuntimeOnABatchWideEnoughForRowsInLanes(Case c) {
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(c.graph()).matMulAdd(c.matMulAdd()).write(file);

        // 37 rows: two full lane blocks on 16-lane machines (four on 8-lane ones) and a partial one.
        assertBackendsAgree(file, PolicyLoader.builder().batch(37), 37, c.graph());
    }

    @Test
    void evaluatesEachRowOfABatchAsItWouldAlone() {
        MlpGraph graph = MlpGraph.randomDueling(7, 96, 128, 128, 17);
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(graph).write(file);
        float[] x = RandomGraphs.inputs(8, 4, 96);

        for (Backend backend : List.of(Backend.VECTOR, Backend.ONNX_RUNTIME)) {
            try (Policy batched = PolicyLoader.builder().backend(backend).batch(4).build().load(file);
                 Policy single = PolicyLoader.builder().backend(backend).build().load(file);
                 Policy.Evaluator b = batched.newEvaluator();
                 Policy.Evaluator s = single.newEvaluator()) {
                float[] all = new float[4 * 16];
                b.evaluate(x, all);
                for (int r = 0; r < 4; r++) {
                    float[] row = new float[96];
                    System.arraycopy(x, r * 96, row, 0, 96);
                    float[] alone = new float[16];
                    s.evaluate(row, alone);
                    float[] inBatch = new float[16];
                    System.arraycopy(all, r * 16, inBatch, 0, 16);
                    assertArrayEquals(alone, inBatch, backend + " row " + r);
                }
            }
        }
    }

    private static void assertBackendsAgree(Path file, PolicyLoader.Builder loader, int rows, MlpGraph graph) {
        try (Policy fast = loader.backend(Backend.VECTOR).build().load(file);
             Policy ort = loader.backend(Backend.ONNX_RUNTIME).build().load(file);
             Policy.Evaluator f = fast.newEvaluator();
             Policy.Evaluator o = ort.newEvaluator()) {
            assertEquals(Backend.VECTOR, fast.backend());
            assertEquals(Backend.ONNX_RUNTIME, ort.backend());
            assertEquals(TensorSpec.of("input", rows, graph.inputWidth()), fast.input());
            assertEquals(TensorSpec.of("output", rows, graph.outputWidth()), fast.output());
            assertEquals(fast.input(), ort.input());
            assertEquals(fast.output(), ort.output());

            int width = graph.outputWidth();
            float[] yFast = new float[fast.outputSize()];
            float[] yOrt = new float[ort.outputSize()];
            for (int s = 0; s < SAMPLES; s++) {
                float[] x = RandomGraphs.inputs(1000 + s, rows, graph.inputWidth());
                f.evaluate(x, yFast);
                o.evaluate(x, yOrt);
                int bad = RelativeTolerance.DEFAULT.firstMismatch(yOrt, yFast, yOrt.length, width);
                int sample = s;
                assertEquals(-1, bad, () -> "sample " + sample + ", output " + bad + ": vector " + yFast[bad]
                        + ", onnxruntime " + yOrt[bad]);
            }
        }
    }

    /** Like {@link MlpGraph#randomDueling}, with {@code hidden} in the trunk instead of ReLU. */
    private static MlpGraph dueling(long seed, Activation hidden, int... widths) {
        int last = widths[widths.length - 2];
        int[] trunkWidths = java.util.Arrays.copyOf(widths, widths.length - 1);
        List<Layer> trunk = new ArrayList<>(MlpGraph.randomChain(seed, hidden, trunkWidths).trunk());
        trunk.add(hidden);
        int actions = widths[widths.length - 1] - 1;
        return MlpGraph.dueling(widths[0], trunk,
                List.of(RandomGraphs.dense(seed + 1, last, 1)), List.of(RandomGraphs.dense(seed + 2, last, actions)));
    }
}
