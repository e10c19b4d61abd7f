package io.reflex.compute;

/**
 * The one optimiser every trainer uses: Adam (Kingma and Ba, with bias correction; β1 0.9, β2 0.999,
 * ε 1e-8) over a {@link Parameters}' tensors, whose two moment estimates it owns as tensors on the same
 * backend (so on a GPU the moments never leave the device). Each {@link #step} applies the accumulated
 * gradients through {@link TensorBackend#adamStep}, weights then bias, layer by layer; what a trainer
 * does to the gradients first (scaling, clipping, weight decay, negating to ascend) is its own, through
 * {@link Parameters}.
 *
 * <p>Not thread-safe: one thread trains. Allocates only at construction; {@link #close} frees the
 * moments (device memory on a GPU).
 */
public final class Adam implements AutoCloseable {

    public static final float BETA1 = 0.9f;
    public static final float BETA2 = 0.999f;
    public static final float EPSILON = 1e-8f;

    private final TensorBackend tensors;
    private final Parameters parameters;
    private final Tensor[] weightM;
    private final Tensor[] weightV;
    private final Tensor[] biasM;
    private final Tensor[] biasV;
    private int steps;

    public Adam(TensorBackend tensors, Parameters parameters) {
        this.tensors = tensors;
        this.parameters = parameters;
        int n = parameters.size();
        weightM = new Tensor[n];
        weightV = new Tensor[n];
        biasM = new Tensor[n];
        biasV = new Tensor[n];
        for (int l = 0; l < n; l++) {
            weightM[l] = tensors.allocate(parameters.weights(l).length());
            weightV[l] = tensors.allocate(parameters.weights(l).length());
            biasM[l] = tensors.allocate(parameters.bias(l).length());
            biasV[l] = tensors.allocate(parameters.bias(l).length());
        }
    }

    /** One step on every layer, weights then bias, layer by layer, with learning rate {@code lr}. */
    public void step(float lr) {
        steps++;
        for (int l = 0; l < parameters.size(); l++) {
            Tensor w = parameters.weights(l);
            Tensor b = parameters.bias(l);
            tensors.adamStep(w, parameters.weightGrad(l), weightM[l], weightV[l], w.length(), lr, BETA1, BETA2, EPSILON,
                    steps);
            tensors.adamStep(b, parameters.biasGrad(l), biasM[l], biasV[l], b.length(), lr, BETA1, BETA2, EPSILON, steps);
        }
    }

    /** Steps taken so far. */
    public int steps() {
        return steps;
    }

    /** Frees the moments. */
    @Override
    public void close() {
        for (int l = 0; l < weightM.length; l++) {
            weightM[l].close();
            weightV[l].close();
            biasM[l].close();
            biasV[l].close();
        }
    }
}
