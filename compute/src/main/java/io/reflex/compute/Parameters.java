package io.reflex.compute;

/**
 * The trainable tensors of a list of {@link DenseLayer}s on a {@link TensorBackend}: each layer's
 * weights, bias and their gradients, and what a trainer does to them between the backward pass and
 * the update (clear, scale, clip by global norm, add weight decay, average towards another network).
 *
 * <p>Each tensor {@linkplain TensorBackend#wrap wraps} the layer's own array, so on the CPU the layer
 * and the tensor are one array (nothing is ever copied) and on a device the layer's arrays are the host
 * mirrors: {@link #pull} brings the trained values into them (export, parity checks), {@link #push}
 * sends values the host wrote (an initialisation, a gradient check's perturbation).
 *
 * <p>Lifetime: owns the tensors until {@link #close} (device memory: freed there, or when the backend
 * closes). Not thread-safe: the thread that trains. Allocates only at construction.
 */
public final class Parameters implements AutoCloseable {

    private final TensorBackend tensors;
    private final DenseLayer[] layers;
    private final Tensor[] weights;
    private final Tensor[] bias;
    private final Tensor[] weightGrads;
    private final Tensor[] biasGrads;

    /** Tensors over {@code layers}' arrays (their current values go to the backend now). */
    public Parameters(TensorBackend tensors, DenseLayer[] layers) {
        this.tensors = tensors;
        this.layers = layers.clone();
        int n = layers.length;
        weights = new Tensor[n];
        bias = new Tensor[n];
        weightGrads = new Tensor[n];
        biasGrads = new Tensor[n];
        for (int l = 0; l < n; l++) {
            weights[l] = tensors.wrap(layers[l].weights());
            bias[l] = tensors.wrap(layers[l].bias());
            weightGrads[l] = tensors.wrap(layers[l].weightGrad());
            biasGrads[l] = tensors.wrap(layers[l].biasGrad());
        }
    }

    /** Layers. */
    public int size() {
        return layers.length;
    }

    /** The layer whose arrays mirror layer {@code l}'s tensors. */
    public DenseLayer layer(int l) {
        return layers[l];
    }

    public Tensor weights(int l) {
        return weights[l];
    }

    public Tensor bias(int l) {
        return bias[l];
    }

    public Tensor weightGrad(int l) {
        return weightGrads[l];
    }

    public Tensor biasGrad(int l) {
        return biasGrads[l];
    }

    /** Clears every gradient. */
    public void zeroGrad() {
        for (int l = 0; l < layers.length; l++) {
            tensors.zero(weightGrads[l], weightGrads[l].length());
            tensors.zero(biasGrads[l], biasGrads[l].length());
        }
    }

    /**
     * Scales the gradients to a global L2 norm of at most {@code maxNorm}; returns the norm before. The
     * squares are summed per tensor by the backend ({@link TensorBackend#sumOfSquares}) and added on the
     * host layer by layer, so the decision is the same every time on a given backend.
     */
    public double clipGradients(double maxNorm) {
        double sq = 0;
        for (int l = 0; l < layers.length; l++) {
            sq += tensors.sumOfSquares(weightGrads[l], weightGrads[l].length())
                    + tensors.sumOfSquares(biasGrads[l], biasGrads[l].length());
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            scaleGradients((float) (maxNorm / norm));
        }
        return norm;
    }

    /** Multiplies every gradient by {@code factor}. */
    public void scaleGradients(float factor) {
        for (int l = 0; l < layers.length; l++) {
            tensors.scale(weightGrads[l], weightGrads[l].length(), factor);
            tensors.scale(biasGrads[l], biasGrads[l].length(), factor);
        }
    }

    /** Adds the gradient of the L2 penalty {@code ½ λ ‖w‖²} on the weights (not the biases). */
    public void addWeightDecay(float lambda) {
        for (int l = 0; l < layers.length; l++) {
            tensors.axpy(lambda, weights[l], weightGrads[l], weights[l].length());
        }
    }

    /** Copies ({@code tau} 1) or Polyak-averages {@code source}'s parameters into these (same shapes, same backend). */
    public void blendFrom(Parameters source, float tau) {
        if (source.layers.length != layers.length) {
            throw new IllegalArgumentException("networks differ in depth: " + layers.length + " and " + source.layers.length);
        }
        for (int l = 0; l < layers.length; l++) {
            if (source.layers[l].inputs() != layers[l].inputs() || source.layers[l].outputs() != layers[l].outputs()) {
                throw new IllegalArgumentException("networks differ in layer " + l);
            }
            if (tau == 1f) {
                tensors.copy(source.weights[l], weights[l], weights[l].length());
                tensors.copy(source.bias[l], bias[l], bias[l].length());
            } else {
                tensors.blend(source.weights[l], weights[l], weights[l].length(), tau);
                tensors.blend(source.bias[l], bias[l], bias[l].length(), tau);
            }
        }
    }

    /** Brings the parameters and gradients into the layers' arrays (nothing to copy on the CPU). */
    public void pull() {
        for (int l = 0; l < layers.length; l++) {
            for (Tensor t : new Tensor[] {weights[l], bias[l], weightGrads[l], biasGrads[l]}) {
                t.pull(t.length());
            }
        }
    }

    /** Sends the layers' arrays (parameters and gradients) to the backend (nothing to copy on the CPU). */
    public void push() {
        for (int l = 0; l < layers.length; l++) {
            for (Tensor t : new Tensor[] {weights[l], bias[l], weightGrads[l], biasGrads[l]}) {
                t.push(t.length());
            }
        }
    }

    public int parameterCount() {
        return DenseLayer.parameterCount(layers);
    }

    /** Frees the tensors (the layers' arrays stay, with the values last pulled). */
    @Override
    public void close() {
        for (int l = 0; l < layers.length; l++) {
            weights[l].close();
            bias[l].close();
            weightGrads[l].close();
            biasGrads[l].close();
        }
    }
}
