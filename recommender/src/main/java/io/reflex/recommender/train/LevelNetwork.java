package io.reflex.recommender.train;

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
 * every child row of a node (see {@link ChildRows}), with its gradient accumulators and Adam state.
 * Exported as an {@link MlpGraph} chain, which the engine's Vector API fast path compiles; evaluated
 * over {@code branching} rows at once (a per-row model with the state columns shared).
 *
 * <p>Initialisation makes the untrained policy sensible: hidden units 0 and 1 compute {@code ±û·v}
 * (the sum of the product columns) and units 2 and 3 {@code ±popularity}, so that
 * {@code relu(z) − relu(−z) = z} and the initial logit is {@code 4 û·v + 2 popularity} plus small
 * random terms; REINFORCE re-weighs from there.
 *
 * <p>Not thread-safe. {@link #forward} and {@link #backward} allocate nothing.
 */
public final class LevelNetwork {

    final int width;
    final int hidden;
    final float[] w1;
    final float[] b1;
    final float[] w2;
    final float[] b2 = new float[1];
    private final float[] g1;
    private final float[] gb1;
    private final float[] g2;
    private final float[] gb2 = new float[1];
    private final float[][] m;
    private final float[][] v;
    private long steps;

    /**
     * @param dims   item vector dimension
     * @param hidden hidden units, >= 4
     * @param seed   seed of the random part of the initialisation
     */
    public LevelNetwork(int dims, int hidden, long seed) {
        this(dims, hidden, seed, 1.0);
    }

    /**
     * @param dims   item vector dimension
     * @param hidden hidden units, >= 4
     * @param seed   seed of the random part of the initialisation
     * @param sharpness factor on the initial logit {@code 4 û·v + 2 popularity}, > 0: the same greedy
     *                  choices, but sampled walks closer to them (at 1 the softmax over a node's children
     *                  is nearly uniform, and REINFORCE learns from near-random episodes)
     */
    public LevelNetwork(int dims, int hidden, long seed, double sharpness) {
        if (!(sharpness > 0)) {
            throw new IllegalArgumentException("sharpness must be > 0, got " + sharpness);
        }
        if (hidden < 4) {
            throw new IllegalArgumentException("hidden units must be >= 4, got " + hidden);
        }
        this.width = ChildRows.width(dims);
        this.hidden = hidden;
        this.w1 = new float[hidden * width];
        this.b1 = new float[hidden];
        this.w2 = new float[hidden];
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
        this.g1 = new float[w1.length];
        this.gb1 = new float[hidden];
        this.g2 = new float[hidden];
        this.m = new float[][] {new float[w1.length], new float[hidden], new float[hidden], new float[1]};
        this.v = new float[][] {new float[w1.length], new float[hidden], new float[hidden], new float[1]};
    }

    public int width() {
        return width;
    }

    /**
     * Scores {@code rows} rows of {@code input} into {@code scores}; stores hidden activations in
     * {@code hiddenOut} (rows × hidden) when it is not null.
     */
    public void forward(float[] input, int rows, float[] scores, float[] hiddenOut) {
        for (int r = 0; r < rows; r++) {
            int in = r * width;
            float out = b2[0];
            for (int h = 0; h < hidden; h++) {
                float s = b1[h];
                int w = h * width;
                for (int i = 0; i < width; i++) {
                    s += w1[w + i] * input[in + i];
                }
                float a = s > 0 ? s : 0;
                if (hiddenOut != null) {
                    hiddenOut[r * hidden + h] = a;
                }
                out += w2[h] * a;
            }
            scores[r] = out;
        }
    }

    /**
     * Accumulates the gradient of {@code Σ_r gradScores[r] · score_r} (the caller passes the negative
     * of the ascent direction) given the forward pass's hidden activations.
     */
    public void backward(float[] input, int rows, float[] hiddenIn, float[] gradScores) {
        for (int r = 0; r < rows; r++) {
            float g = gradScores[r];
            if (g == 0f) {
                continue;
            }
            gb2[0] += g;
            int in = r * width;
            for (int h = 0; h < hidden; h++) {
                float a = hiddenIn[r * hidden + h];
                g2[h] += g * a;
                if (a > 0) {
                    float gh = g * w2[h];
                    gb1[h] += gh;
                    int w = h * width;
                    for (int i = 0; i < width; i++) {
                        g1[w + i] += gh * input[in + i];
                    }
                }
            }
        }
    }

    /** One Adam step on the accumulated gradients (scaled by {@code 1/count}) with L2, then clears them. */
    public void adamStep(float learningRate, float l2, int count) {
        steps++;
        float scale = 1f / Math.max(1, count);
        float[][] params = {w1, b1, w2, b2};
        float[][] grads = {g1, gb1, g2, gb2};
        double c1 = 1 - Math.pow(0.9, steps);
        double c2 = 1 - Math.pow(0.999, steps);
        for (int p = 0; p < params.length; p++) {
            float[] w = params[p];
            float[] g = grads[p];
            float[] mp = m[p];
            float[] vp = v[p];
            for (int i = 0; i < w.length; i++) {
                float gi = g[i] * scale + (p == 0 || p == 2 ? l2 * w[i] : 0f);
                mp[i] = 0.9f * mp[i] + 0.1f * gi;
                vp[i] = 0.999f * vp[i] + 0.001f * gi * gi;
                w[i] -= (float) (learningRate * (mp[i] / c1) / (Math.sqrt(vp[i] / c2) + 1e-8));
                g[i] = 0f;
            }
        }
    }

    /** The network as an ONNX-exportable chain: Dense(width→hidden), ReLU, Dense(hidden→1). */
    public MlpGraph toGraph() {
        return MlpGraph.chain(width, List.of(new Dense(width, hidden, w1, b1), Activation.RELU,
                new Dense(hidden, 1, w2, b2)));
    }
}
