package io.reflex.trainer.ope;

/**
 * What the bandit estimators read, computed once per evaluation: the logged data, the target
 * policy's probabilities π(a|x_i) and the reward model's predictions q̂(x_i, a), both row-major
 * {@code [n][actions]}.
 *
 * <p>Immutable by convention (arrays handed over, not copied); thread-safe for reading.
 *
 * @param data        the logged decisions
 * @param target      π(a|x_i) for every decision and action
 * @param predictions q̂(x_i, a) for every decision and action
 */
public record BanditInputs(BanditDataset data, double[] target, double[] predictions) {

    public BanditInputs {
        int cells = data.size() * data.actionCount();
        if (target.length != cells || predictions.length != cells) {
            throw new IllegalArgumentException("need " + cells + " target probabilities and predictions, got "
                    + target.length + " and " + predictions.length);
        }
    }

    /** Computes the target probabilities and fits nothing: {@code model} is already fitted. */
    public static BanditInputs of(BanditDataset data, TargetPolicy policy, RewardModel model) {
        return new BanditInputs(data, policy.probabilities(data), model.predictAll(data));
    }

    /** The importance weight π(a_i|x_i) / μ(a_i|x_i) of decision {@code i}. */
    public double weight(int i) {
        return target[i * data.actionCount() + data.action(i)] / data.propensity(i);
    }

    /** The direct method's value of decision {@code i}: Σ_a π(a|x_i) q̂(x_i, a). */
    public double directValue(int i) {
        int k = data.actionCount();
        double s = 0;
        for (int a = 0; a < k; a++) {
            s += target[i * k + a] * predictions[i * k + a];
        }
        return s;
    }

    /** The reward model's prediction for the logged action of decision {@code i}. */
    public double loggedPrediction(int i) {
        return predictions[i * data.actionCount() + data.action(i)];
    }
}
