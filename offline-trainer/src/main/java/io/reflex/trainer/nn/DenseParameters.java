package io.reflex.trainer.nn;

import io.reflex.engine.onnx.Dense;

import java.util.SplittableRandom;

/**
 * One dense layer's trainable state: weights {@code [outputs][inputs]} and bias, their gradients,
 * and Adam's two moment estimates. Plain arrays so that a {@link ComputeBackend} can work on them in
 * place.
 *
 * <p>Not thread-safe; allocated once per layer.
 */
public final class DenseParameters {

    final int inputs;
    final int outputs;
    final float[] weights;
    final float[] bias;
    final float[] weightGrad;
    final float[] biasGrad;
    private final float[] weightM;
    private final float[] weightV;
    private final float[] biasM;
    private final float[] biasV;

    /** Glorot-uniform weights scaled by {@code gain}, zero bias, drawn from {@code random}. */
    DenseParameters(int inputs, int outputs, float gain, SplittableRandom random) {
        this.inputs = inputs;
        this.outputs = outputs;
        weights = new float[inputs * outputs];
        bias = new float[outputs];
        weightGrad = new float[weights.length];
        biasGrad = new float[outputs];
        weightM = new float[weights.length];
        weightV = new float[weights.length];
        biasM = new float[outputs];
        biasV = new float[outputs];
        double limit = gain * Math.sqrt(6.0 / (inputs + outputs));
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
    }

    int parameterCount() {
        return weights.length + bias.length;
    }

    void zeroGrad() {
        java.util.Arrays.fill(weightGrad, 0f);
        java.util.Arrays.fill(biasGrad, 0f);
    }

    void copyFrom(DenseParameters other) {
        System.arraycopy(other.weights, 0, weights, 0, weights.length);
        System.arraycopy(other.bias, 0, bias, 0, bias.length);
    }

    void softUpdateFrom(DenseParameters other, float tau) {
        for (int i = 0; i < weights.length; i++) {
            weights[i] += tau * (other.weights[i] - weights[i]);
        }
        for (int i = 0; i < bias.length; i++) {
            bias[i] += tau * (other.bias[i] - bias[i]);
        }
    }

    void adam(ComputeBackend backend, float lr, int step) {
        backend.adamStep(weights, weightGrad, weightM, weightV, weights.length, lr, 0.9f, 0.999f, 1e-8f, step);
        backend.adamStep(bias, biasGrad, biasM, biasV, bias.length, lr, 0.9f, 0.999f, 1e-8f, step);
    }

    Dense toDense() {
        return new Dense(inputs, outputs, weights, bias);
    }

    /** Clips the layers' gradients to a global L2 norm of {@code maxNorm}; returns the norm before. */
    static double clipGradients(ComputeBackend backend, DenseParameters[] layers, double maxNorm) {
        double sq = 0;
        for (DenseParameters p : layers) {
            sq += backend.sumOfSquares(p.weightGrad, p.weightGrad.length) + backend.sumOfSquares(p.biasGrad, p.biasGrad.length);
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float f = (float) (maxNorm / norm);
            for (DenseParameters p : layers) {
                backend.scale(p.weightGrad, p.weightGrad.length, f);
                backend.scale(p.biasGrad, p.biasGrad.length, f);
            }
        }
        return norm;
    }

    /** Copies ({@code tau} 1) or Polyak-averages {@code theirs} into {@code mine}, layer by layer (same shapes). */
    static void blend(DenseParameters[] mine, DenseParameters[] theirs, float tau) {
        if (mine.length != theirs.length) {
            throw new IllegalArgumentException("networks differ in depth");
        }
        for (int i = 0; i < mine.length; i++) {
            if (mine[i].inputs != theirs[i].inputs || mine[i].outputs != theirs[i].outputs) {
                throw new IllegalArgumentException("networks differ in layer " + i);
            }
            if (tau == 1f) {
                mine[i].copyFrom(theirs[i]);
            } else {
                mine[i].softUpdateFrom(theirs[i], tau);
            }
        }
    }

    static int parameterCount(DenseParameters[] layers) {
        int n = 0;
        for (DenseParameters p : layers) {
            n += p.parameterCount();
        }
        return n;
    }
}
