package io.reflex.compute;

/**
 * The one optimiser every trainer uses: Adam (Kingma and Ba, with bias correction; β1 0.9, β2 0.999,
 * ε 1e-8) over a fixed set of {@link DenseLayer}s, whose two moment estimates it owns. Each
 * {@link #step} applies the layers' accumulated gradients through {@link ComputeBackend#adamStep};
 * what a trainer does to the gradients first (scaling, clipping, weight decay, negating to ascend) is
 * its own, through {@link DenseLayer}'s helpers.
 *
 * <p>Not thread-safe: one thread trains the layers. Allocates only at construction.
 */
public final class Adam {

    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPSILON = 1e-8f;

    private final ComputeBackend backend;
    private final DenseLayer[] layers;
    private final float[][] weightM;
    private final float[][] weightV;
    private final float[][] biasM;
    private final float[][] biasV;
    private int steps;

    public Adam(ComputeBackend backend, DenseLayer... layers) {
        this.backend = backend;
        this.layers = layers.clone();
        int n = layers.length;
        weightM = new float[n][];
        weightV = new float[n][];
        biasM = new float[n][];
        biasV = new float[n][];
        for (int l = 0; l < n; l++) {
            weightM[l] = new float[layers[l].weights().length];
            weightV[l] = new float[layers[l].weights().length];
            biasM[l] = new float[layers[l].bias().length];
            biasV[l] = new float[layers[l].bias().length];
        }
    }

    /** One step on every layer, weights then bias, layer by layer, with learning rate {@code lr}. */
    public void step(float lr) {
        steps++;
        for (int l = 0; l < layers.length; l++) {
            DenseLayer p = layers[l];
            backend.adamStep(p.weights(), p.weightGrad(), weightM[l], weightV[l], p.weights().length, lr, BETA1, BETA2,
                    EPSILON, steps);
            backend.adamStep(p.bias(), p.biasGrad(), biasM[l], biasV[l], p.bias().length, lr, BETA1, BETA2, EPSILON, steps);
        }
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }
}
