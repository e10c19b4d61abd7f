package io.reflex.engine.policy;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.RandomGraphs;
import io.reflex.engine.testing.AllocationWindows;
import io.reflex.engine.testing.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Vector API fast path allocates nothing per evaluation once compiled, whatever the JIT decides
 * to inline: every kernel (the 8-, 4- and 1-vector dense blocks, the dot product of a single output,
 * each activation fused or standing alone with a scalar or lane-masked tail, the dueling heads, the
 * lane blocks of {@code evaluateRows} with shared columns and a lone tail row) is run in this JVM and
 * in a forked one in which C2 inlines none of {@link VectorMlp}'s own methods. A vector passed or
 * returned between two of them would be boxed there on every call (an activation that took and
 * returned a vector once cost 480 bytes an evaluation in some JVMs, depending on what was compiled
 * first); only arrays and ints may cross.
 *
 * <p>Each case runs in windows of {@value #WINDOW} evaluations until one allocates nothing, at most
 * {@value #MOST_WINDOWS} windows ({@link AllocationWindows#untilQuiet}), and reports the bytes of its
 * last window: the JIT compiles on its own schedule, and a kernel that allocates per call never
 * reaches 0.
 */
class VectorMlpAllocationTest {

    private static final int WINDOW = 1_000;
    private static final int MOST_WINDOWS = 1_000;
    private static final String NO_INLINING = "-XX:CompileCommand=dontinline,io.reflex.engine.policy.VectorMlp::*";

    @Test
    void evaluatingAllocatesNothingOnceCompiled() {
        assertEquals(zeros(), bytesOfLastWindows());
    }

    @Test
    void evaluatingAllocatesNothingWhenNoneOfTheKernelsIsInlined() throws Exception {
        String forked = ForkedJvm.stdoutOf(VectorMlpAllocationTest.class, "-XX:CompileCommand=quiet", NO_INLINING);
        assertEquals(zeros().toString(), forked.strip(), "bytes of the last window of " + WINDOW
                + " evaluations, by case, with " + NO_INLINING);
    }

    /** Prints the bytes of each case's last window, for {@link #evaluatingAllocatesNothingWhenNoneOfTheKernelsIsInlined}. */
    public static void main(String[] args) {
        System.out.println(bytesOfLastWindows());
    }

    private static Map<String, Long> zeros() {
        Map<String, Long> zeros = new LinkedHashMap<>();
        cases().keySet().forEach(name -> zeros.put(name, 0L));
        return zeros;
    }

    /**
     * A network, the batch it is loaded with, and the rows of each {@code evaluateRows} call with
     * its shared columns (0 rows: {@code evaluate} instead).
     */
    private record Case(MlpGraph graph, int batch, int rows, int sharedFrom, int sharedTo) {
        Case(MlpGraph graph) {
            this(graph, 1, 0, 0, 0);
        }
    }

    private static Map<String, Case> cases() {
        Map<String, Case> cases = new LinkedHashMap<>();
        // The decision shadow's challenger: 5 -> 32 -> 32 -> 5, one row.
        cases.put("relu 5-32-32-5", new Case(MlpGraph.randomChain(1, Activation.RELU, 5, 32, 32, 5)));
        // 150 and 70 outputs take the 8-, 4- and 1-vector blocks at 8 and at 16 lanes; 1 output, the dot product.
        cases.put("tanh 20-150-70-1", new Case(MlpGraph.randomChain(2, Activation.TANH, 20, 150, 70, 1)));
        cases.put("sigmoid 7-40-9", new Case(MlpGraph.randomChain(3, Activation.SIGMOID, 7, 40, 9)));
        cases.put("leaky 9-33-4", new Case(MlpGraph.randomChain(4, Activation.leakyRelu(0.1f), 9, 33, 4)));
        // Activations standing alone: first (over the input, 5 wide) and second after a fused one (37 wide).
        cases.put("standalone activations", new Case(MlpGraph.chain(5, List.<Layer>of(Activation.TANH,
                RandomGraphs.dense(5, 5, 37), Activation.SIGMOID, Activation.leakyRelu(0.2f),
                RandomGraphs.dense(6, 37, 3)))));
        cases.put("dueling, folded head", new Case(MlpGraph.randomDueling(7, 12, 48, 9)));
        cases.put("dueling, hidden heads", new Case(MlpGraph.dueling(12,
                List.of(RandomGraphs.dense(8, 12, 24), Activation.RELU),
                List.of(RandomGraphs.dense(9, 24, 16), Activation.RELU, RandomGraphs.dense(10, 16, 1)),
                List.of(RandomGraphs.dense(11, 24, 16), Activation.TANH, RandomGraphs.dense(12, 16, 6)))));
        // Lane blocks: 65 rows leave a lone row after the blocks; columns 2..6 shared by every row.
        cases.put("rows, shared columns", new Case(MlpGraph.randomChain(13, Activation.RELU, 14, 64, 12, 1), 1, 65, 2, 6));
        cases.put("rows, standalone activations", new Case(MlpGraph.chain(5, List.<Layer>of(Activation.TANH,
                RandomGraphs.dense(14, 5, 37), Activation.SIGMOID, Activation.leakyRelu(0.2f),
                RandomGraphs.dense(15, 37, 1))), 1, 65, 0, 0));
        // A batch of 32 rows evaluated in one call fills the lanes.
        cases.put("batch of 32", new Case(MlpGraph.randomChain(16, Activation.RELU, 10, 24, 3), 32, 0, 0, 0));
        return cases;
    }

    private static Map<String, Long> bytesOfLastWindows() {
        Map<String, Long> bytes = new LinkedHashMap<>();
        cases().forEach((name, c) -> {
            OnnxModel model = OnnxModel.parse(Path.of(name + ".onnx"), OnnxModelWriter.of(c.graph()).toBytes());
            PolicyLoader loader = PolicyLoader.builder().backend(Backend.VECTOR).batch(c.batch()).build();
            try (Policy policy = loader.load(model); Policy.Evaluator evaluator = policy.newEvaluator()) {
                int rows = Math.max(c.batch(), c.rows());
                float[] in = RandomGraphs.inputs(17, rows, c.graph().inputWidth());
                float[] out = new float[rows * c.graph().outputWidth()];
                bytes.put(name, AllocationWindows.untilQuiet(() -> {
                    for (int i = 0; i < WINDOW; i++) {
                        if (c.rows() == 0) {
                            evaluator.evaluate(in, out);
                        } else {
                            evaluator.evaluateRows(in, c.rows(), out, c.sharedFrom(), c.sharedTo());
                        }
                    }
                }, 1, MOST_WINDOWS));
            } catch (Exception e) {
                throw new AssertionError(name, e);
            }
        });
        return bytes;
    }
}
