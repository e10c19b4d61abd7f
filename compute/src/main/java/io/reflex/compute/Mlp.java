package io.reflex.compute;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A chain of dense layers with ReLU between them and a linear last layer, trained over a batch of
 * rows: the shape of every row network the trainers fit (the eviction candidate network and the
 * next-access regressor, LOMAR's scorer, each TPGR level).
 *
 * <h2>What lives where</h2>
 * Its parameters and gradients ({@link Parameters}), Adam's moments ({@link Adam}), and the activations
 * and activation gradients of the last {@link #forward} are {@link Tensor}s of the backend's
 * {@link ComputeBackend#tensors()}: host arrays on the CPU, device memory on a GPU, allocated at
 * construction for {@code maxRows} rows (grown by {@link #reserve}) and kept for the network's life. A
 * step moves only the batch across, each move named:
 * <ul>
 *   <li>{@link #forward(int)} pushes {@link #input()}'s rows and pulls the outputs;</li>
 *   <li>{@link #backward()} pushes {@link #outputGradient()}'s rows (a loss the host computes from the
 *       outputs: Double DQN's, TPGR's); {@link #accumulate} pushes inputs and output gradient together
 *       (a gradient known before the pass: LOMAR's REINFORCE);</li>
 *   <li>{@link #trainMse} pushes the inputs and targets and brings back only the loss: forward, loss,
 *       backward, clipping and Adam all run on the backend;</li>
 *   <li>{@link #layers()} pulls the parameters (export, parity checks); {@link #blendFrom} (a target
 *       network) stays on the backend.</li>
 * </ul>
 * On the CPU a push or pull copies nothing (the host view is the storage) and every operation is the
 * array path's call on the same arrays, so the bits are the array path's.
 *
 * <p>Not thread-safe: one thread trains it. Allocates at construction and in {@link #reserve};
 * {@link #close} frees its tensors (device memory on a GPU; a closing backend frees them too).
 */
public final class Mlp implements AutoCloseable {

    private final TensorBackend tensors;
    private final DenseLayer[] layers;
    private final Parameters parameters;
    private final Adam adam;
    private final Tensor[] activations;   // [0] = input, [l + 1] after layer l (after its ReLU but for the last)
    private final Tensor[] grads;         // [l] = gradient with respect to activations[l], l >= 1
    private Tensor lossTargets;           // trainMse's targets and weights, allocated at its first call
    private Tensor lossWeights;
    private int maxRows;
    private int rows;

    /** A network over {@code layers} (consecutive widths must match), for batches of at most {@code maxRows}. */
    public Mlp(ComputeBackend backend, DenseLayer[] layers, int maxRows) {
        if (layers.length < 1) {
            throw new IllegalArgumentException("an MLP needs at least one layer");
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        for (int l = 1; l < layers.length; l++) {
            if (layers[l].inputs() != layers[l - 1].outputs()) {
                throw new IllegalArgumentException("layer " + l + " takes " + layers[l].inputs() + " inputs, layer "
                        + (l - 1) + " gives " + layers[l - 1].outputs());
            }
        }
        this.tensors = backend.tensors();
        this.layers = layers.clone();
        this.parameters = new Parameters(tensors, this.layers);
        this.adam = new Adam(tensors, parameters);
        activations = new Tensor[layers.length + 1];
        grads = new Tensor[layers.length + 1];
        allocateActivations(maxRows);
    }

    /**
     * Glorot-uniform layers of {@code widths} drawn in order from {@code random}: gain √2 for the
     * ReLU layers, {@code headGain} for the last.
     */
    public static Mlp glorot(ComputeBackend backend, int[] widths, float headGain, int maxRows, SplittableRandom random) {
        if (widths.length < 2 || Arrays.stream(widths).anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("an MLP needs at least two positive widths, got " + Arrays.toString(widths));
        }
        int n = widths.length - 1;
        DenseLayer[] layers = new DenseLayer[n];
        for (int l = 0; l < n; l++) {
            layers[l] = DenseLayer.glorot(widths[l], widths[l + 1], l == n - 1 ? headGain : (float) Math.sqrt(2), random);
        }
        return new Mlp(backend, layers, maxRows);
    }

    private void allocateActivations(int capacity) {
        closeActivations();
        activations[0] = tensors.allocate(capacity * layers[0].inputs());
        for (int l = 0; l < layers.length; l++) {
            activations[l + 1] = tensors.allocate(capacity * layers[l].outputs());
            grads[l + 1] = tensors.allocate(capacity * layers[l].outputs());
        }
        if (lossTargets != null) {
            lossTargets.close();
            lossWeights.close();
            lossTargets = null;
            lossWeights = null;
        }
        maxRows = capacity;
    }

    private void closeActivations() {
        for (Tensor[] set : new Tensor[][] {activations, grads}) {
            for (int i = 0; i < set.length; i++) {
                if (set[i] != null) {
                    set[i].close();
                    set[i] = null;
                }
            }
        }
    }

    /**
     * Makes room for batches of {@code rows} rows: when more than {@link #maxRows()}, the activation
     * tensors are replaced by bigger ones (half again as big at least, so that a slowly growing batch
     * does not reallocate every time). Their contents, and the host views handed out before, are dropped.
     */
    public void reserve(int rows) {
        if (rows > maxRows) {
            allocateActivations((int) Math.min(Integer.MAX_VALUE / Math.max(1, widest()), Math.max(rows, maxRows * 3L / 2)));
        }
    }

    private int widest() {
        int w = layers[0].inputs();
        for (DenseLayer p : layers) {
            w = Math.max(w, p.outputs());
        }
        return w;
    }

    public int inputWidth() {
        return layers[0].inputs();
    }

    public int outputWidth() {
        return layers[layers.length - 1].outputs();
    }

    public int maxRows() {
        return maxRows;
    }

    /**
     * The layers, first to last, with the trained parameters and gradients pulled into their arrays (a
     * copy from the device on a GPU, nothing on the CPU): for export and gradient checks. A caller that
     * changes their arrays calls {@link #pushParameters} before the next forward pass.
     */
    public DenseLayer[] layers() {
        parameters.pull();
        return layers.clone();
    }

    /** Sends the layers' arrays back to the backend after the host changed them (nothing to copy on the CPU). */
    public void pushParameters() {
        parameters.push();
    }

    /** The input's host view: write {@code rows × inputWidth()} floats, then {@link #forward(int)}. */
    public float[] input() {
        return activations[0].host();
    }

    private void checkRows(int rows) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("rows must be in [1, " + maxRows + "], got " + rows);
        }
    }

    /**
     * Pushes the first {@code rows} rows of {@link #input()}, runs them, pulls the outputs; returns
     * {@link #output()} ({@code rows × outputWidth()} valid).
     */
    public float[] forward(int rows) {
        checkRows(rows);
        activations[0].push(rows * inputWidth());
        run(rows);
        Tensor out = activations[layers.length];
        out.pull(rows * outputWidth());
        return out.host();
    }

    /** Copies {@code rows} rows from {@code input} into {@link #input()} and runs them ({@link #forward(int)}). */
    public float[] forward(float[] input, int rows) {
        checkRows(rows);
        System.arraycopy(input, 0, input(), 0, rows * inputWidth());
        return forward(rows);
    }

    /** The layers over the input tensor as it stands, on the backend. */
    private void run(int rows) {
        this.rows = rows;
        for (int l = 0; l < layers.length; l++) {
            DenseLayer p = layers[l];
            tensors.denseForward(activations[l], rows, p.inputs(), parameters.weights(l), parameters.bias(l), p.outputs(),
                    activations[l + 1]);
            if (l < layers.length - 1) {
                tensors.reluForward(activations[l + 1], rows * p.outputs(), activations[l + 1]);
            }
        }
    }

    /** The output's host view: the last {@link #forward}'s result ({@code rows × outputWidth()} valid). */
    public float[] output() {
        return activations[layers.length].host();
    }

    /** The host view of the loss gradient with respect to the last forward's outputs ({@code rows × outputWidth()}). */
    public float[] outputGradient() {
        return grads[layers.length].host();
    }

    /**
     * Pushes {@link #outputGradient()}'s rows and back-propagates them through the last {@link #forward},
     * adding to every layer's gradient. Overwrites the gradients of the hidden activations.
     */
    public void backward() {
        grads[layers.length].push(rows * outputWidth());
        backpropagate();
    }

    /**
     * Pushes {@link #input()}'s and {@link #outputGradient()}'s first {@code rows} rows, runs the forward
     * pass and back-propagates that output gradient, adding to every layer's gradient; the outputs stay
     * on the backend. For a loss whose gradient with respect to the outputs is known before the pass
     * (REINFORCE's, from the probabilities the rows were scored with when they were played): a whole
     * batch of decisions in one pass.
     */
    public void accumulate(int rows) {
        checkRows(rows);
        activations[0].push(rows * inputWidth());
        grads[layers.length].push(rows * outputWidth());
        run(rows);
        backpropagate();
    }

    private void backpropagate() {
        for (int l = layers.length - 1; l >= 0; l--) {
            DenseLayer p = layers[l];
            if (l < layers.length - 1) {
                tensors.reluBackward(activations[l + 1], rows * p.outputs(), grads[l + 1]);
            }
            tensors.denseBackward(activations[l], rows, p.inputs(), parameters.weights(l), p.outputs(), grads[l + 1],
                    parameters.weightGrad(l), parameters.biasGrad(l), l == 0 ? null : grads[l]);
        }
    }

    /**
     * One whole regression step on the backend: pushes {@link #input()}'s first {@code rows} rows and
     * {@code targets}, {@code weights} ({@code rows × outputWidth()} each), runs forward, the weighted
     * squared error divided by {@code divisor} and its gradient ({@link ComputeBackend#mse}), clears the
     * gradients, back-propagates, clips them to {@code maxNorm} (infinite: no clipping, and no norm
     * computed) and takes an Adam step. Only the loss comes back; {@link #output()} is not refreshed.
     *
     * @return the loss
     */
    public double trainMse(int rows, float[] targets, float[] weights, float divisor, double maxNorm, float learningRate) {
        checkRows(rows);
        int n = rows * outputWidth();
        if (lossTargets == null) {
            lossTargets = tensors.allocate(maxRows * outputWidth());
            lossWeights = tensors.allocate(maxRows * outputWidth());
        }
        System.arraycopy(targets, 0, lossTargets.host(), 0, n);
        System.arraycopy(weights, 0, lossWeights.host(), 0, n);
        activations[0].push(rows * inputWidth());
        lossTargets.push(n);
        lossWeights.push(n);
        run(rows);
        double loss = tensors.mse(activations[layers.length], lossTargets, lossWeights, n, divisor, grads[layers.length]);
        parameters.zeroGrad();
        backpropagate();
        if (maxNorm != Double.POSITIVE_INFINITY) {
            parameters.clipGradients(maxNorm);
        }
        adam.step(learningRate);
        return loss;
    }

    /** Clears every parameter gradient. */
    public void zeroGrad() {
        parameters.zeroGrad();
    }

    /** Scales the gradients to a global L2 norm of at most {@code maxNorm}; returns the norm before. */
    public double clipGradients(double maxNorm) {
        return parameters.clipGradients(maxNorm);
    }

    /** Multiplies every gradient by {@code factor} (a mean over a batch; −1 to ascend). */
    public void scaleGradients(float factor) {
        parameters.scaleGradients(factor);
    }

    /** Adds the gradient of {@code ½ λ ‖w‖²} over the weights (not the biases). */
    public void addWeightDecay(float lambda) {
        parameters.addWeightDecay(lambda);
    }

    /** One {@link Adam} step with the accumulated gradients. */
    public void step(float learningRate) {
        adam.step(learningRate);
    }

    /**
     * Makes this network's parameters {@code source}'s ({@code tau} 1) or moves them {@code tau} of the
     * way there, on the backend (both networks on the same one).
     */
    public void blendFrom(Mlp source, float tau) {
        parameters.blendFrom(source.parameters, tau);
    }

    public int parameterCount() {
        return parameters.parameterCount();
    }

    /** Frees the parameters', moments' and activations' tensors. Closing twice is harmless. */
    @Override
    public void close() {
        closeActivations();
        if (lossTargets != null) {
            lossTargets.close();
            lossWeights.close();
            lossTargets = null;
            lossWeights = null;
        }
        adam.close();
        parameters.close();
    }
}
