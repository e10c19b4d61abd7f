package io.reflex.trainer.ope;

import io.reflex.engine.explore.ActionSelector;

import java.util.Objects;

/**
 * The policy being evaluated, as an action distribution π(a|x): an {@link ActionScorer} (an ONNX
 * model through the engine's loader, or a linear scorer) followed by a {@link TargetRule}.
 *
 * <p>Not thread-safe (it keeps a score buffer and the scorer may keep evaluation state): one per
 * thread. {@link #distribution} allocates nothing.
 */
public final class TargetPolicy {

    private final ActionScorer scorer;
    private final TargetRule rule;
    private final ActionSelector selector;
    private final float[] scores;

    public TargetPolicy(ActionScorer scorer, TargetRule rule) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.selector = rule.selector();
        this.scores = new float[scorer.actionCount()];
    }

    public int actionCount() {
        return scorer.actionCount();
    }

    public int featureCount() {
        return scorer.featureCount();
    }

    public TargetRule rule() {
        return rule;
    }

    /** Writes π(a|context) for every action into {@code probabilities}. */
    public void distribution(float[] context, double[] probabilities) {
        int k = scores.length;
        scorer.score(context, scores);
        for (int a = 0; a < k; a++) {
            probabilities[a] = selector.probabilityOf(scores, 0, k, a);
        }
    }

    /**
     * π(a|x_i) for every decision of {@code data} and every action, row-major {@code [n][actions]}.
     *
     * @throws IllegalArgumentException if the data's width or action count differ from the policy's
     */
    public double[] probabilities(BanditDataset data) {
        if (data.size() > 0 && data.featureCount() != featureCount()) {
            throw new IllegalArgumentException("the policy takes " + featureCount() + " features, the logged decisions have "
                    + data.featureCount());
        }
        if (data.actionCount() != actionCount()) {
            throw new IllegalArgumentException("the policy scores " + actionCount() + " actions, the data has "
                    + data.actionCount());
        }
        int k = actionCount();
        double[] out = new double[data.size() * k];
        double[] row = new double[k];
        for (int i = 0; i < data.size(); i++) {
            distribution(data.context(i), row);
            System.arraycopy(row, 0, out, i * k, k);
        }
        return out;
    }
}
