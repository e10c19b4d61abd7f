package io.reflex.trainer.nn;

import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Layer;
import io.reflex.engine.onnx.MlpGraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A ReLU network with one output trained by regression: {@code widths[0]} inputs, hidden layers,
 * one linear output, fitted to targets by the mean squared error with Adam. The eviction trainer
 * uses it to predict an object's time to its next access from one history row.
 *
 * <p>All arithmetic goes through a {@link ComputeBackend}. Not thread-safe: one thread trains it.
 * Allocates only at construction.
 */
public final class RegressionNetwork {

    private final ComputeBackend backend;
    private final int maxRows;
    private final DenseParameters[] layers;
    private final float[][] activations;
    private final float[][] grads;
    private final float[] weights;
    private final float[] lossGrad;
    private int rows;
    private int step;

    /**
     * @param widths  inputs, hidden widths..., 1
     * @param maxRows the largest batch
     * @param seed    seed of the initial weights
     */
    public RegressionNetwork(ComputeBackend backend, int[] widths, int maxRows, long seed) {
        if (widths.length < 2 || widths[widths.length - 1] != 1 || Arrays.stream(widths).anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("a regression network is inputs-hidden...-1, got " + Arrays.toString(widths));
        }
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        this.backend = backend;
        this.maxRows = maxRows;
        SplittableRandom random = new SplittableRandom(seed);
        int n = widths.length - 1;
        layers = new DenseParameters[n];
        activations = new float[n + 1][];
        grads = new float[n + 1][];
        activations[0] = new float[maxRows * widths[0]];
        for (int l = 0; l < n; l++) {
            boolean head = l == n - 1;
            layers[l] = new DenseParameters(widths[l], widths[l + 1], head ? 1f : (float) Math.sqrt(2), random);
            activations[l + 1] = new float[maxRows * widths[l + 1]];
            grads[l + 1] = new float[maxRows * widths[l + 1]];
        }
        weights = new float[maxRows];
        Arrays.fill(weights, 1f);
        lossGrad = new float[maxRows];
    }

    public int inputWidth() {
        return layers[0].inputs;
    }

    /** The network's input buffer: fill {@code rows × inputWidth()} floats, then {@link #forward}. */
    public float[] input() {
        return activations[0];
    }

    /** Runs the first {@code rows} rows of {@link #input()}; returns the predictions (the network's buffer). */
    public float[] forward(int rows) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("rows must be in [1, " + maxRows + "], got " + rows);
        }
        this.rows = rows;
        for (int l = 0; l < layers.length; l++) {
            DenseParameters p = layers[l];
            backend.denseForward(activations[l], rows, p.inputs, p.weights, p.bias, p.outputs, activations[l + 1]);
            if (l < layers.length - 1) {
                backend.reluForward(activations[l + 1], rows * p.outputs, activations[l + 1]);
            }
        }
        return activations[layers.length];
    }

    /**
     * One Adam step on the mean squared error of the last {@link #forward} against {@code targets},
     * gradients clipped to a global norm of 10.
     *
     * @return the batch's loss ({@code ½ mean (p − t)²})
     */
    public double fit(float[] targets, float learningRate) {
        float[] prediction = activations[layers.length];
        double loss = backend.mse(prediction, targets, weights, rows, rows, lossGrad);
        for (DenseParameters p : layers) {
            p.zeroGrad();
        }
        System.arraycopy(lossGrad, 0, grads[layers.length], 0, rows);
        for (int l = layers.length - 1; l >= 0; l--) {
            DenseParameters p = layers[l];
            if (l < layers.length - 1) {
                backend.reluBackward(activations[l + 1], rows * p.outputs, grads[l + 1]);
            }
            backend.denseBackward(activations[l], rows, p.inputs, p.weights, p.outputs, grads[l + 1], p.weightGrad,
                    p.biasGrad, l == 0 ? null : grads[l]);
        }
        DenseParameters.clipGradients(backend, layers, 10);
        step++;
        for (DenseParameters p : layers) {
            p.adam(backend, learningRate, step);
        }
        return loss;
    }

    /** The network as the engine's graph: {@code [1, inputs] → [1, 1]}, Dense+ReLU layers then the linear head. */
    public MlpGraph toGraph() {
        List<Layer> out = new ArrayList<>();
        for (int l = 0; l < layers.length; l++) {
            out.add(layers[l].toDense());
            if (l < layers.length - 1) {
                out.add(Activation.RELU);
            }
        }
        return MlpGraph.chain(inputWidth(), out);
    }
}
