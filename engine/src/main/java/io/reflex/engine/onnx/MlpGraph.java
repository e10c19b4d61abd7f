package io.reflex.engine.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A network the fast path can evaluate: a chain of {@link Layer}s over a {@code [batch, inputWidth]}
 * input, optionally ending in a dueling head whose value stream (width 1) and advantage stream
 * (width A) combine as {@code Q = V + A - mean(A)}.
 *
 * <p>This is the common ground between the ONNX reader, the ONNX writer and the Vector API
 * evaluator: the writer turns one into ONNX, the reader recovers one from an ONNX graph (or says why
 * it cannot). Immutable; safe to share.
 *
 * @param inputWidth    features per input row
 * @param trunk         layers applied to every row
 * @param valueHead     dueling value stream after the trunk (empty when not dueling)
 * @param advantageHead dueling advantage stream after the trunk (empty when not dueling)
 */
public record MlpGraph(int inputWidth, List<Layer> trunk, List<Layer> valueHead, List<Layer> advantageHead) {

    public MlpGraph {
        if (inputWidth < 1) {
            throw new IllegalArgumentException("input width must be >= 1, got " + inputWidth);
        }
        trunk = List.copyOf(trunk);
        valueHead = List.copyOf(valueHead);
        advantageHead = List.copyOf(advantageHead);
        if (valueHead.isEmpty() != advantageHead.isEmpty()) {
            throw new IllegalArgumentException("a dueling graph needs both a value and an advantage head");
        }
        int trunkWidth = widthAfter(inputWidth, trunk);
        if (!valueHead.isEmpty()) {
            int v = widthAfter(trunkWidth, valueHead);
            if (v != 1) {
                throw new IllegalArgumentException("the dueling value head must produce width 1, got " + v);
            }
            widthAfter(trunkWidth, advantageHead);
        }
    }

    /** A plain chain of layers. */
    public static MlpGraph chain(int inputWidth, List<Layer> layers) {
        return new MlpGraph(inputWidth, layers, List.of(), List.of());
    }

    /** A trunk followed by a dueling head. */
    public static MlpGraph dueling(int inputWidth, List<Layer> trunk, List<Layer> valueHead,
                                   List<Layer> advantageHead) {
        if (valueHead.isEmpty()) {
            throw new IllegalArgumentException("a dueling graph needs a non-empty value head");
        }
        return new MlpGraph(inputWidth, trunk, valueHead, advantageHead);
    }

    /**
     * A chain of dense layers with the given widths ({@code widths[0]} is the input), {@code hidden}
     * after every layer but the last, and weights drawn from a seeded Glorot-uniform distribution.
     */
    public static MlpGraph randomChain(long seed, Activation hidden, int... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("need at least an input and an output width");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        for (int l = 1; l < widths.length; l++) {
            layers.add(randomDense(random, widths[l - 1], widths[l]));
            if (l < widths.length - 1) {
                layers.add(hidden);
            }
        }
        return chain(widths[0], layers);
    }

    /**
     * A dueling network: a ReLU trunk through {@code widths[0..n-2]}, then a value head of width 1
     * and an advantage head of width {@code widths[n-1] - 1}, both fed by the last trunk layer. So
     * {@code 96-128-128-17} has 16 Q-values: its last layer produces 1 value and 16 advantages.
     */
    public static MlpGraph randomDueling(long seed, int... widths) {
        if (widths.length < 2 || widths[widths.length - 1] < 2) {
            throw new IllegalArgumentException("a dueling network needs a last width of at least 2");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> trunk = new ArrayList<>();
        for (int l = 1; l < widths.length - 1; l++) {
            trunk.add(randomDense(random, widths[l - 1], widths[l]));
            trunk.add(Activation.RELU);
        }
        int last = widths[widths.length - 2];
        int actions = widths[widths.length - 1] - 1;
        return dueling(widths[0], trunk, List.of(randomDense(random, last, 1)),
                List.of(randomDense(random, last, actions)));
    }

    private static Dense randomDense(SplittableRandom random, int in, int out) {
        double limit = Math.sqrt(6.0 / (in + out));
        float[] w = new float[in * out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        float[] b = new float[out];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) ((random.nextDouble() * 2 - 1) * 0.1);
        }
        return new Dense(in, out, w, b);
    }

    public boolean isDueling() {
        return !valueHead.isEmpty();
    }

    /** Width of the trunk's output. */
    public int trunkWidth() {
        return widthAfter(inputWidth, trunk);
    }

    /** Width of the graph's output (the number of Q-values when dueling). */
    public int outputWidth() {
        return isDueling() ? widthAfter(trunkWidth(), advantageHead) : trunkWidth();
    }

    /** Widths of the dense layers as the benchmarks name models, e.g. {@code 96-128-128-17}. */
    public String layerName() {
        StringBuilder s = new StringBuilder().append(inputWidth);
        for (Layer l : trunk) {
            if (l instanceof Dense d) {
                s.append('-').append(d.outputs());
            }
        }
        if (isDueling()) {
            int v = 0;
            int a = 0;
            for (Layer l : valueHead) {
                if (l instanceof Dense d) {
                    v = d.outputs();
                }
            }
            for (Layer l : advantageHead) {
                if (l instanceof Dense d) {
                    a = d.outputs();
                }
            }
            s.append('-').append(v + a);
        }
        return s.toString();
    }

    private static int widthAfter(int width, List<Layer> layers) {
        int w = width;
        for (Layer l : layers) {
            w = l.outputWidth(w);
        }
        return w;
    }
}
