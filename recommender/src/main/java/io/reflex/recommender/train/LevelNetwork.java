package io.reflex.recommender.train;

import io.reflex.compute.DenseLayer;
import io.reflex.compute.Mlp;
import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.onnx.Activation;
import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.UserStateEncoder;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One level's policy network in the trainer: a row scorer {@code width → hidden (ReLU) → 1} applied to
 * every child row of a node (see {@link ChildRows}), an {@link Mlp} on the shared training arithmetic
 * ({@code io.reflex.compute}), which holds its gradients and Adam state. Exported as an
 * {@link MlpGraph} chain, which the engine's Vector API fast path compiles; evaluated over
 * {@code branching} rows at once (a per-row model with the state columns shared).
 *
 * <p>Initialisation makes the untrained policy sensible: hidden units 0 and 1 compute {@code ±û·v}
 * (the sum of the product columns) and units 2 and 3 {@code ±popularity}, so that
 * {@code relu(z) − relu(−z) = z} and the initial logit is {@code 4 û·v + 2 popularity} plus small
 * random terms; REINFORCE re-weighs from there.
 *
 * <p>Not thread-safe (the network keeps the last forward pass's activations). {@link #forward} and
 * {@link #backward} allocate nothing; {@link #batchInput} grows the buffers when a level's update has
 * more rows than any before (the trainer runs each level's update for a user as one batch).
 */
public final class LevelNetwork {

    private final int width;
    private final DenseLayer hiddenLayer;
    private final DenseLayer outputLayer;
    private final Mlp network;

    /**
     * @param dims      item vector dimension
     * @param hidden    hidden units, >= 4
     * @param seed      seed of the random part of the initialisation
     * @param sharpness factor on the initial logit {@code 4 û·v + 2 popularity}, > 0: the same greedy
     *                  choices, but sampled walks closer to them (at 1 the softmax over a node's children
     *                  is nearly uniform, and REINFORCE learns from near-random episodes)
     * @param maxRows   the most rows one {@link #forward} scores (the tree's branching)
     */
    public LevelNetwork(int dims, int hidden, long seed, double sharpness, int maxRows) {
        if (!(sharpness > 0)) {
            throw new IllegalArgumentException("sharpness must be > 0, got " + sharpness);
        }
        if (hidden < 4) {
            throw new IllegalArgumentException("hidden units must be >= 4, got " + hidden);
        }
        this.width = ChildRows.width(dims);
        hiddenLayer = new DenseLayer(width, hidden);
        outputLayer = new DenseLayer(hidden, 1);
        float[] w1 = hiddenLayer.weights();
        float[] w2 = outputLayer.weights();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) ((rnd.nextDouble() * 2 - 1) * 0.1);
        }
        for (int h = 0; h < hidden; h++) {
            w2[h] = (float) ((rnd.nextDouble() * 2 - 1) * 0.01);
        }
        int productStart = UserStateEncoder.width(dims) + dims;
        int pop = ChildRows.popularityColumn(dims);
        for (int h = 0; h < 4; h++) {
            Arrays.fill(w1, h * width, (h + 1) * width, 0f);
        }
        for (int d = 0; d < dims; d++) {
            w1[productStart + d] = 1f;
            w1[width + productStart + d] = -1f;
        }
        w1[2 * width + pop] = 1f;
        w1[3 * width + pop] = -1f;
        w2[0] = (float) (4 * sharpness);
        w2[1] = (float) (-4 * sharpness);
        w2[2] = (float) (2 * sharpness);
        w2[3] = (float) (-2 * sharpness);
        network = new Mlp(new VectorCpuBackend(), new DenseLayer[] {hiddenLayer, outputLayer}, maxRows);
    }

    public int width() {
        return width;
    }

    /**
     * Scores {@code rows} rows of {@code input}; returns the network's buffer ({@code rows} valid),
     * overwritten by the next call. The activations are kept for {@link #backward}.
     */
    public float[] forward(float[] input, int rows) {
        return network.forward(input, rows);
    }

    /**
     * The input's host view for a batch of {@code rows} rows ({@code rows × width()}), grown when needed:
     * write the rows, then {@link #forward(int)}. Fetch {@link #scoreGradient()} after this call.
     */
    public float[] batchInput(int rows) {
        network.reserve(rows);
        return network.input();
    }

    /** Scores the first {@code rows} rows of {@link #batchInput}; returns the network's buffer, activations kept for {@link #backward}. */
    public float[] forward(int rows) {
        return network.forward(rows);
    }

    /** Scores {@code rows} rows of {@code input} into {@code scores}. */
    public void forward(float[] input, int rows, float[] scores) {
        System.arraycopy(network.forward(input, rows), 0, scores, 0, rows);
    }

    /** Where to write {@code ∂loss/∂score} of each row of the last {@link #forward}, before {@link #backward}. */
    public float[] scoreGradient() {
        return network.outputGradient();
    }

    /**
     * Accumulates the gradient of {@code Σ_r scoreGradient[r] · score_r} over the last forward's rows
     * (the caller writes the negative of the ascent direction).
     */
    public void backward() {
        network.backward();
    }

    /** One Adam step on the accumulated gradients (scaled by {@code 1/count}) with L2 on the weights, then clears them. */
    public void adamStep(float learningRate, float l2, int count) {
        network.scaleGradients(1f / Math.max(1, count));
        network.addWeightDecay(l2);
        network.step(learningRate);
        network.zeroGrad();
    }

    /** The network as an ONNX-exportable chain: Dense(width→hidden), ReLU, Dense(hidden→1), on its live weights. */
    public MlpGraph toGraph() {
        return MlpGraph.chain(width, List.of(dense(hiddenLayer), Activation.RELU, dense(outputLayer)));
    }

    private static Dense dense(DenseLayer layer) {
        return new Dense(layer.inputs(), layer.outputs(), layer.weights(), layer.bias());
    }
}
