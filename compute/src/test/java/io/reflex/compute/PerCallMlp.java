package io.reflex.compute;

/**
 * The network as it trained before tensors existed, verbatim in substance: every {@link ComputeBackend}
 * array call on the layers' own arrays, per layer, with Adam's moments as host arrays and the
 * gradient helpers that lived on {@code DenseLayer}. The reference the resident {@link Mlp} must
 * match bit for bit on the CPU.
 */
final class PerCallMlp {

    private final ComputeBackend backend;
    final DenseLayer[] layers;
    private final float[][] activations;
    private final float[][] grads;
    private final float[][] m;
    private final float[][] v;
    private int steps;
    private int rows;

    PerCallMlp(ComputeBackend backend, DenseLayer[] layers, int maxRows) {
        this.backend = backend;
        this.layers = layers;
        int n = layers.length;
        activations = new float[n + 1][];
        grads = new float[n + 1][];
        activations[0] = new float[maxRows * layers[0].inputs()];
        for (int l = 0; l < n; l++) {
            activations[l + 1] = new float[maxRows * layers[l].outputs()];
            grads[l + 1] = new float[maxRows * layers[l].outputs()];
        }
        m = new float[2 * n][];
        v = new float[2 * n][];
        for (int l = 0; l < n; l++) {
            m[2 * l] = new float[layers[l].weights().length];
            v[2 * l] = new float[layers[l].weights().length];
            m[2 * l + 1] = new float[layers[l].bias().length];
            v[2 * l + 1] = new float[layers[l].bias().length];
        }
    }

    float[] forward(float[] input, int rows) {
        this.rows = rows;
        System.arraycopy(input, 0, activations[0], 0, rows * layers[0].inputs());
        for (int l = 0; l < layers.length; l++) {
            DenseLayer p = layers[l];
            backend.denseForward(activations[l], rows, p.inputs(), p.weights(), p.bias(), p.outputs(), activations[l + 1]);
            if (l < layers.length - 1) {
                backend.reluForward(activations[l + 1], rows * p.outputs(), activations[l + 1]);
            }
        }
        return activations[layers.length];
    }

    float[] outputGradient() {
        return grads[layers.length];
    }

    void backward() {
        for (int l = layers.length - 1; l >= 0; l--) {
            DenseLayer p = layers[l];
            if (l < layers.length - 1) {
                backend.reluBackward(activations[l + 1], rows * p.outputs(), grads[l + 1]);
            }
            backend.denseBackward(activations[l], rows, p.inputs(), p.weights(), p.outputs(), grads[l + 1],
                    p.weightGrad(), p.biasGrad(), l == 0 ? null : grads[l]);
        }
    }

    void zeroGrad() {
        for (DenseLayer p : layers) {
            java.util.Arrays.fill(p.weightGrad(), 0f);
            java.util.Arrays.fill(p.biasGrad(), 0f);
        }
    }

    double clipGradients(double maxNorm) {
        double sq = 0;
        for (DenseLayer p : layers) {
            sq += backend.sumOfSquares(p.weightGrad(), p.weightGrad().length)
                    + backend.sumOfSquares(p.biasGrad(), p.biasGrad().length);
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            scaleGradients((float) (maxNorm / norm));
        }
        return norm;
    }

    void scaleGradients(float f) {
        for (DenseLayer p : layers) {
            backend.scale(p.weightGrad(), p.weightGrad().length, f);
            backend.scale(p.biasGrad(), p.biasGrad().length, f);
        }
    }

    void addWeightDecay(float lambda) {
        for (DenseLayer p : layers) {
            backend.axpy(lambda, p.weights(), p.weightGrad(), p.weights().length);
        }
    }

    void step(float lr) {
        steps++;
        for (int l = 0; l < layers.length; l++) {
            DenseLayer p = layers[l];
            backend.adamStep(p.weights(), p.weightGrad(), m[2 * l], v[2 * l], p.weights().length, lr, Adam.BETA1,
                    Adam.BETA2, Adam.EPSILON, steps);
            backend.adamStep(p.bias(), p.biasGrad(), m[2 * l + 1], v[2 * l + 1], p.bias().length, lr, Adam.BETA1,
                    Adam.BETA2, Adam.EPSILON, steps);
        }
    }

    void blendFrom(PerCallMlp source, float tau) {
        for (int l = 0; l < layers.length; l++) {
            DenseLayer a = layers[l];
            DenseLayer b = source.layers[l];
            if (tau == 1f) {
                System.arraycopy(b.weights(), 0, a.weights(), 0, a.weights().length);
                System.arraycopy(b.bias(), 0, a.bias(), 0, a.bias().length);
            } else {
                for (int j = 0; j < a.weights().length; j++) {
                    a.weights()[j] += tau * (b.weights()[j] - a.weights()[j]);
                }
                for (int j = 0; j < a.bias().length; j++) {
                    a.bias()[j] += tau * (b.bias()[j] - a.bias()[j]);
                }
            }
        }
    }
}
