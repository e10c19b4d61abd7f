package io.reflex.trainer.nn;

import io.reflex.compute.ComputeBackend;
import io.reflex.compute.Mlp;
import io.reflex.engine.onnx.MlpGraph;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A ReLU network with one output trained by regression: {@code widths[0]} inputs, hidden layers,
 * one linear output, fitted to targets by the mean squared error with Adam. The eviction trainer
 * uses it to predict an object's time to its next access from one history row.
 *
 * <p>The network is an {@link Mlp}, so all arithmetic goes through a {@link ComputeBackend}, and its
 * parameters, moments and activations stay where that backend computes. Not thread-safe: one thread
 * trains it. Allocates only at construction; on a GPU its device memory is freed when the backend closes.
 */
public final class RegressionNetwork {

    private final Mlp network;
    private final float[] weights;

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
        this.network = Mlp.glorot(backend, widths, 1f, maxRows, new SplittableRandom(seed));
        weights = new float[maxRows];
        Arrays.fill(weights, 1f);
    }

    public int inputWidth() {
        return network.inputWidth();
    }

    /** The network's input buffer: fill {@code rows × inputWidth()} floats, then {@link #forward}. */
    public float[] input() {
        return network.input();
    }

    /**
     * Runs the first {@code rows} rows of {@link #input()}; returns the predictions (the network's
     * buffer; on a GPU, pulled from the device): for golden pairs and evaluation, not for training.
     */
    public float[] forward(int rows) {
        return network.forward(rows);
    }

    /**
     * One Adam step on the mean squared error of the first {@code rows} rows of {@link #input()} against
     * {@code targets}, gradients clipped to a global norm of 10: the network's whole step on its backend
     * ({@link Mlp#trainMse}; on a GPU the rows and targets go up and only the loss comes back).
     *
     * @return the batch's loss ({@code ½ mean (p − t)²})
     */
    public double train(int rows, float[] targets, float learningRate) {
        return network.trainMse(rows, targets, weights, rows, 10, learningRate);
    }

    /** The network as the engine's graph: {@code [1, inputs] → [1, 1]}, Dense+ReLU layers then the linear head. */
    public MlpGraph toGraph() {
        return MlpExport.chain(network);
    }
}
