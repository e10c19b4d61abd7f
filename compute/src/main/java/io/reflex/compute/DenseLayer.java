package io.reflex.compute;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One dense layer's trainable state, {@code y = x·wᵀ + b}: weights {@code [outputs][inputs]} and
 * bias, and their gradients. Plain arrays so that a {@link ComputeBackend} works on them in place;
 * the accessors return the live arrays (an exporter reads them, an initialiser may overwrite them).
 * Adam's moments live in {@link Adam}, which steps a set of layers.
 *
 * <p>Not thread-safe; allocates only at construction.
 */
public final class DenseLayer {

    private final int inputs;
    private final int outputs;
    private final float[] weights;
    private final float[] bias;
    private final float[] weightGrad;
    private final float[] biasGrad;

    /** A layer with zero weights and bias. */
    public DenseLayer(int inputs, int outputs) {
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("a dense layer needs inputs and outputs >= 1, got " + inputs + " and " + outputs);
        }
        this.inputs = inputs;
        this.outputs = outputs;
        weights = new float[inputs * outputs];
        bias = new float[outputs];
        weightGrad = new float[weights.length];
        biasGrad = new float[outputs];
    }

    /**
     * Glorot-uniform weights scaled by {@code gain} ({@code U(±gain·√(6 / (in + out)))}, drawn in
     * storage order from {@code random}), zero bias.
     */
    public static DenseLayer glorot(int inputs, int outputs, float gain, SplittableRandom random) {
        DenseLayer layer = new DenseLayer(inputs, outputs);
        double limit = gain * Math.sqrt(6.0 / (inputs + outputs));
        float[] w = layer.weights;
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return layer;
    }

    public int inputs() {
        return inputs;
    }

    public int outputs() {
        return outputs;
    }

    /** The live weights, {@code [outputs][inputs]} row-major. */
    public float[] weights() {
        return weights;
    }

    /** The live bias. */
    public float[] bias() {
        return bias;
    }

    /** The live weight gradient (accumulated by {@link ComputeBackend#denseBackward}). */
    public float[] weightGrad() {
        return weightGrad;
    }

    /** The live bias gradient. */
    public float[] biasGrad() {
        return biasGrad;
    }

    public int parameterCount() {
        return weights.length + bias.length;
    }

    public void zeroGrad() {
        Arrays.fill(weightGrad, 0f);
        Arrays.fill(biasGrad, 0f);
    }

    /** Clips the layers' gradients to a global L2 norm of {@code maxNorm}; returns the norm before. */
    public static double clipGradients(ComputeBackend backend, DenseLayer[] layers, double maxNorm) {
        double sq = 0;
        for (DenseLayer p : layers) {
            sq += backend.sumOfSquares(p.weightGrad, p.weightGrad.length) + backend.sumOfSquares(p.biasGrad, p.biasGrad.length);
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float f = (float) (maxNorm / norm);
            for (DenseLayer p : layers) {
                backend.scale(p.weightGrad, p.weightGrad.length, f);
                backend.scale(p.biasGrad, p.biasGrad.length, f);
            }
        }
        return norm;
    }

    /** Multiplies every gradient of {@code layers} by {@code factor}. */
    public static void scaleGradients(ComputeBackend backend, DenseLayer[] layers, float factor) {
        for (DenseLayer p : layers) {
            backend.scale(p.weightGrad, p.weightGrad.length, factor);
            backend.scale(p.biasGrad, p.biasGrad.length, factor);
        }
    }

    /** Adds the gradient of the L2 penalty {@code ½ λ ‖w‖²} on the weights (not the biases) of {@code layers}. */
    public static void addWeightDecay(ComputeBackend backend, DenseLayer[] layers, float lambda) {
        for (DenseLayer p : layers) {
            backend.axpy(lambda, p.weights, p.weightGrad, p.weights.length);
        }
    }

    /** Copies ({@code tau} 1) or Polyak-averages {@code theirs} into {@code mine}, layer by layer (same shapes). */
    public static void blend(DenseLayer[] mine, DenseLayer[] theirs, float tau) {
        if (mine.length != theirs.length) {
            throw new IllegalArgumentException("networks differ in depth");
        }
        for (int i = 0; i < mine.length; i++) {
            DenseLayer m = mine[i];
            DenseLayer t = theirs[i];
            if (m.inputs != t.inputs || m.outputs != t.outputs) {
                throw new IllegalArgumentException("networks differ in layer " + i);
            }
            if (tau == 1f) {
                System.arraycopy(t.weights, 0, m.weights, 0, m.weights.length);
                System.arraycopy(t.bias, 0, m.bias, 0, m.bias.length);
            } else {
                for (int j = 0; j < m.weights.length; j++) {
                    m.weights[j] += tau * (t.weights[j] - m.weights[j]);
                }
                for (int j = 0; j < m.bias.length; j++) {
                    m.bias[j] += tau * (t.bias[j] - m.bias[j]);
                }
            }
        }
    }

    public static int parameterCount(DenseLayer[] layers) {
        int n = 0;
        for (DenseLayer p : layers) {
            n += p.parameterCount();
        }
        return n;
    }
}
