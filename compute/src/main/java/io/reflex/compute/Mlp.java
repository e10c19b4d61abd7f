package io.reflex.compute;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A chain of dense layers with ReLU between them and a linear last layer, trained over a batch of
 * rows: the shape of every row network the trainers fit (the eviction candidate network and the
 * next-access regressor, LOMAR's scorer, each TPGR level). It keeps the activations of the last
 * {@link #forward} for {@link #backward}, in buffers sized once for {@code maxRows} rows, and owns an
 * {@link Adam} over its layers.
 *
 * <p>Use: fill {@link #input()} ({@code rows × inputWidth}), {@link #forward}, write the loss
 * gradient with respect to the outputs into {@link #outputGradient()}, {@link #backward} (which
 * accumulates into the layers' gradients: {@link #zeroGrad} between batches), then {@link #step}.
 *
 * <p>Not thread-safe: one thread trains it. Allocates only at construction.
 */
public final class Mlp {

    private final ComputeBackend backend;
    private final int maxRows;
    private final DenseLayer[] layers;
    private final float[][] activations;   // [0] = input, [l + 1] after layer l (after its ReLU but for the last)
    private final float[][] grads;         // [l] = gradient with respect to activations[l], l >= 1
    private final Adam adam;
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
        this.backend = backend;
        this.maxRows = maxRows;
        this.layers = layers.clone();
        int n = layers.length;
        activations = new float[n + 1][];
        grads = new float[n + 1][];
        activations[0] = new float[maxRows * layers[0].inputs()];
        for (int l = 0; l < n; l++) {
            activations[l + 1] = new float[maxRows * layers[l].outputs()];
            grads[l + 1] = new float[maxRows * layers[l].outputs()];
        }
        adam = new Adam(backend, this.layers);
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

    public int inputWidth() {
        return layers[0].inputs();
    }

    public int outputWidth() {
        return layers[layers.length - 1].outputs();
    }

    public int maxRows() {
        return maxRows;
    }

    /** The live layers, first to last (for export, initialisation and gradient checks). */
    public DenseLayer[] layers() {
        return layers.clone();
    }

    /** The input buffer: write {@code rows × inputWidth()} floats, then {@link #forward}. */
    public float[] input() {
        return activations[0];
    }

    /** Runs the first {@code rows} rows of {@link #input()}; returns the output buffer ({@code rows × outputWidth()} valid). */
    public float[] forward(int rows) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("rows must be in [1, " + maxRows + "], got " + rows);
        }
        this.rows = rows;
        for (int l = 0; l < layers.length; l++) {
            DenseLayer p = layers[l];
            backend.denseForward(activations[l], rows, p.inputs(), p.weights(), p.bias(), p.outputs(), activations[l + 1]);
            if (l < layers.length - 1) {
                backend.reluForward(activations[l + 1], rows * p.outputs(), activations[l + 1]);
            }
        }
        return activations[layers.length];
    }

    /** Copies {@code rows} rows from {@code input} into {@link #input()} and runs them. */
    public float[] forward(float[] input, int rows) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("rows must be in [1, " + maxRows + "], got " + rows);
        }
        System.arraycopy(input, 0, activations[0], 0, rows * inputWidth());
        return forward(rows);
    }

    /** The output buffer: the last {@link #forward}'s result ({@code rows × outputWidth()} valid). */
    public float[] output() {
        return activations[layers.length];
    }

    /** The buffer for the loss gradient with respect to the last forward's outputs ({@code rows × outputWidth()}). */
    public float[] outputGradient() {
        return grads[layers.length];
    }

    /**
     * Back-propagates {@link #outputGradient()} through the last {@link #forward}, adding to every
     * layer's gradient. Overwrites the gradient buffers of the hidden activations.
     */
    public void backward() {
        for (int l = layers.length - 1; l >= 0; l--) {
            DenseLayer p = layers[l];
            if (l < layers.length - 1) {
                backend.reluBackward(activations[l + 1], rows * p.outputs(), grads[l + 1]);
            }
            backend.denseBackward(activations[l], rows, p.inputs(), p.weights(), p.outputs(), grads[l + 1],
                    p.weightGrad(), p.biasGrad(), l == 0 ? null : grads[l]);
        }
    }

    /** Clears every parameter gradient. */
    public void zeroGrad() {
        for (DenseLayer p : layers) {
            p.zeroGrad();
        }
    }

    /** Scales the gradients to a global L2 norm of at most {@code maxNorm}; returns the norm before. */
    public double clipGradients(double maxNorm) {
        return DenseLayer.clipGradients(backend, layers, maxNorm);
    }

    /** Multiplies every gradient by {@code factor} (a mean over a batch; −1 to ascend). */
    public void scaleGradients(float factor) {
        DenseLayer.scaleGradients(backend, layers, factor);
    }

    /** Adds the gradient of {@code ½ λ ‖w‖²} over the weights (not the biases). */
    public void addWeightDecay(float lambda) {
        DenseLayer.addWeightDecay(backend, layers, lambda);
    }

    /** One {@link Adam} step with the accumulated gradients. */
    public void step(float learningRate) {
        adam.step(learningRate);
    }

    /** Makes this network's weights {@code source}'s ({@code tau} 1) or moves them {@code tau} of the way there. */
    public void blendFrom(Mlp source, float tau) {
        DenseLayer.blend(layers, source.layers, tau);
    }

    public int parameterCount() {
        return DenseLayer.parameterCount(layers);
    }
}
