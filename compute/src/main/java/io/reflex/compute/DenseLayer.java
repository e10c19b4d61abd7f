package io.reflex.compute;

import java.util.SplittableRandom;

/**
 * One dense layer's trainable state, {@code y = x·wᵀ + b}: weights {@code [outputs][inputs]} and
 * bias, and their gradients, as host arrays: an initialiser writes them, an exporter reads them. A
 * network trains them through {@link Parameters}, whose tensors wrap these arrays (the same arrays on
 * the CPU; on a GPU their host mirrors, current after {@link Parameters#pull}). Adam's moments live in
 * {@link Adam}.
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


    public static int parameterCount(DenseLayer[] layers) {
        int n = 0;
        for (DenseLayer p : layers) {
            n += p.parameterCount();
        }
        return n;
    }
}
