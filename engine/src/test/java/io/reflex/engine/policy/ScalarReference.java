package io.reflex.engine.policy;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;

import java.util.Arrays;
import java.util.List;

/**
 * The definition of what an {@link MlpGraph} computes, written as plainly as possible: nested loops
 * over {@link Dense#weight}, sums accumulated in {@code double}, {@link Activation#apply} for the
 * non-linearities, and a dueling head as {@code Q = V + (A - mean(A))}. No vectors, padding, fusion
 * or head merging, so it shares none of the fast path's tricks (or bugs).
 *
 * <p>Each layer's output is rounded to {@code float}, as a float32 model stores its activations.
 */
final class ScalarReference {

    private ScalarReference() {
    }

    /** The graph's output for the row of {@code graph.inputWidth()} floats at {@code offset}. */
    static float[] evaluate(MlpGraph graph, float[] input, int offset) {
        float[] x = Arrays.copyOfRange(input, offset, offset + graph.inputWidth());
        float[] h = run(graph.trunk(), x);
        if (!graph.isDueling()) {
            return h;
        }
        float value = run(graph.valueHead(), h)[0];
        float[] advantage = run(graph.advantageHead(), h);
        double mean = 0;
        for (float a : advantage) {
            mean += a;
        }
        mean /= advantage.length;
        float[] q = new float[advantage.length];
        for (int j = 0; j < q.length; j++) {
            q[j] = (float) (value + (advantage[j] - mean));
        }
        return q;
    }

    /** Every row of a batch: {@code rows * inputWidth} floats in, {@code rows * outputWidth} out. */
    static float[] evaluateRows(MlpGraph graph, float[] input, int rows) {
        int w = graph.outputWidth();
        float[] out = new float[rows * w];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(evaluate(graph, input, r * graph.inputWidth()), 0, out, r * w, w);
        }
        return out;
    }

    private static float[] run(List<Layer> layers, float[] x) {
        float[] h = x;
        for (Layer layer : layers) {
            h = switch (layer) {
                case Dense d -> dense(d, h);
                case Activation a -> activate(a, h);
            };
        }
        return h;
    }

    private static float[] dense(Dense d, float[] x) {
        float[] bias = d.bias();
        float[] y = new float[d.outputs()];
        for (int o = 0; o < d.outputs(); o++) {
            double sum = bias[o];
            for (int i = 0; i < d.inputs(); i++) {
                sum += (double) d.weight(o, i) * x[i];
            }
            y[o] = (float) sum;
        }
        return y;
    }

    private static float[] activate(Activation a, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = a.apply(x[i]);
        }
        return y;
    }
}
