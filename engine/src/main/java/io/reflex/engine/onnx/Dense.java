package io.reflex.engine.onnx;

import java.util.Arrays;

/**
 * A fully connected layer {@code y = W x + b}.
 *
 * <p>Weights are row-major {@code [outputs][inputs]} (the layout of ONNX {@code Gemm} with
 * {@code transB = 1}, and of PyTorch's {@code nn.Linear}). The arrays are copied on construction and
 * never exposed mutably, so an instance is immutable and may be shared between threads.
 *
 * @param inputs  width of the input vector, at least 1
 * @param outputs width of the output vector, at least 1
 * @param weights {@code outputs * inputs} values, row {@code o} holds the weights into output {@code o}
 * @param bias    {@code outputs} values
 */
public record Dense(int inputs, int outputs, float[] weights, float[] bias) implements Layer {

    public Dense {
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("dense layer needs inputs >= 1 and outputs >= 1, got "
                    + inputs + "x" + outputs);
        }
        if (weights.length != inputs * outputs) {
            throw new IllegalArgumentException("dense layer " + inputs + "->" + outputs + " needs "
                    + inputs * outputs + " weights, got " + weights.length);
        }
        if (bias.length != outputs) {
            throw new IllegalArgumentException("dense layer " + inputs + "->" + outputs + " needs "
                    + outputs + " biases, got " + bias.length);
        }
        weights = weights.clone();
        bias = bias.clone();
    }

    /** The weight from input {@code i} into output {@code o}. */
    public float weight(int o, int i) {
        return weights[o * inputs + i];
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    @Override
    public float[] bias() {
        return bias.clone();
    }

    @Override
    public int outputWidth(int inputWidth) {
        if (inputWidth != inputs) {
            throw new IllegalArgumentException("dense layer expects width " + inputs + ", got " + inputWidth);
        }
        return outputs;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dense d && d.inputs == inputs && d.outputs == outputs
                && Arrays.equals(d.weights, weights) && Arrays.equals(d.bias, bias);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * inputs + outputs) + Arrays.hashCode(weights) ^ Arrays.hashCode(bias);
    }

    @Override
    public String toString() {
        return "Dense[" + inputs + "->" + outputs + "]";
    }
}
