package io.reflex.trainer.ope;

import io.reflex.engine.onnx.Dense;
import io.reflex.engine.onnx.MlpGraph;

import java.util.List;

/**
 * Scores actions linearly, {@code s_a = w_a · x + b_a}: the simulators' policies, and what
 * {@link RidgeRewardModel} learns. {@link #toGraph()} turns it into a one-layer MLP that
 * {@code OnnxModelWriter} exports and the engine serves.
 *
 * <p>Immutable and thread-safe; scoring allocates nothing.
 */
public final class LinearActionScorer implements ActionScorer {

    private final int features;
    private final int actions;
    private final float[] weights;
    private final float[] bias;

    /**
     * @param weights row-major {@code [actions][features]}
     * @param bias    one per action
     */
    public LinearActionScorer(int features, int actions, float[] weights, float[] bias) {
        if (features < 1 || actions < 1 || weights.length != features * actions || bias.length != actions) {
            throw new IllegalArgumentException("a linear scorer of " + features + " features and " + actions
                    + " actions needs " + features * actions + " weights and " + actions + " biases, got "
                    + weights.length + " and " + bias.length);
        }
        this.features = features;
        this.actions = actions;
        this.weights = weights.clone();
        this.bias = bias.clone();
    }

    @Override
    public int featureCount() {
        return features;
    }

    @Override
    public int actionCount() {
        return actions;
    }

    @Override
    public void score(float[] context, float[] scores) {
        for (int a = 0; a < actions; a++) {
            double s = bias[a];
            int row = a * features;
            for (int j = 0; j < features; j++) {
                s += weights[row + j] * context[j];
            }
            scores[a] = (float) s;
        }
    }

    /** This scorer with every score negated: it prefers what this one likes least. */
    public LinearActionScorer negated() {
        float[] w = weights.clone();
        float[] b = bias.clone();
        for (int i = 0; i < w.length; i++) {
            w[i] = -w[i];
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = -b[i];
        }
        return new LinearActionScorer(features, actions, w, b);
    }

    /** A one-layer MLP computing the same scores, for {@code OnnxModelWriter}. */
    public MlpGraph toGraph() {
        return MlpGraph.chain(features, List.of(new Dense(features, actions, weights, bias)));
    }
}
