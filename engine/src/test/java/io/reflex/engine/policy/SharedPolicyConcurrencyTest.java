package io.reflex.engine.policy;

import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.onnx.RandomGraphs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A policy is shared: threads that each take their own evaluator from one policy compute exactly
 * what one thread computes alone, on the fast path and on ONNX Runtime alike.
 */
class SharedPolicyConcurrencyTest {

    private static final int THREADS = 8;
    private static final int INPUTS_PER_THREAD = 400;
    private static final int ROWS = 2;
    private static final int IN = 96;
    private static final int OUT = 16;

    @TempDir
    Path dir;

    @Test
    void eightThreadsSharingAVectorAndAnOnnxRuntimePolicyMatchASingleThreadedRun() throws Exception {
        Path file = dir.resolve("model.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(1, IN, 128, 128, OUT + 1)).write(file);
        PolicyLoader.Builder loader = PolicyLoader.builder().batch(ROWS);

        try (Policy fast = loader.backend(Backend.VECTOR).build().load(file);
             Policy ort = loader.backend(Backend.ONNX_RUNTIME).build().load(file)) {
            assertEquals(Backend.VECTOR, fast.backend());
            assertEquals(Backend.ONNX_RUNTIME, ort.backend());

            float[][][] inputs = new float[THREADS][INPUTS_PER_THREAD][];
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < INPUTS_PER_THREAD; i++) {
                    inputs[t][i] = RandomGraphs.inputs(t * 1_000_000L + i, ROWS, IN);
                }
            }
            float[][][] expectedFast = evaluateAll(fast, inputs);
            float[][][] expectedOrt = evaluateAll(ort, inputs);

            CyclicBarrier start = new CyclicBarrier(THREADS);
            List<Future<float[][][]>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(THREADS)) {
                for (int t = 0; t < THREADS; t++) {
                    float[][] mine = inputs[t];
                    results.add(pool.submit(() -> {
                        try (Policy.Evaluator f = fast.newEvaluator(); Policy.Evaluator o = ort.newEvaluator()) {
                            start.await();
                            float[][][] out = new float[2][INPUTS_PER_THREAD][];
                            for (int i = 0; i < INPUTS_PER_THREAD; i++) {
                                out[0][i] = new float[ROWS * OUT];
                                out[1][i] = new float[ROWS * OUT];
                                // Interleave the backends so both sessions are busy at once.
                                f.evaluate(mine[i], out[0][i]);
                                o.evaluate(mine[i], out[1][i]);
                            }
                            return out;
                        }
                    }));
                }
                for (int t = 0; t < THREADS; t++) {
                    float[][][] got = results.get(t).get(2, TimeUnit.MINUTES);
                    for (int i = 0; i < INPUTS_PER_THREAD; i++) {
                        assertArrayEquals(expectedFast[t][i], got[0][i], "vector, thread " + t + ", input " + i);
                        assertArrayEquals(expectedOrt[t][i], got[1][i], "onnxruntime, thread " + t + ", input " + i);
                    }
                }
            }
        }
    }

    /** Every input through one evaluator on the calling thread. */
    private static float[][][] evaluateAll(Policy policy, float[][][] inputs) {
        float[][][] out = new float[inputs.length][inputs[0].length][];
        try (Policy.Evaluator e = policy.newEvaluator()) {
            for (int t = 0; t < inputs.length; t++) {
                for (int i = 0; i < inputs[t].length; i++) {
                    out[t][i] = new float[policy.outputSize()];
                    e.evaluate(inputs[t][i], out[t][i]);
                }
            }
        }
        return out;
    }
}
