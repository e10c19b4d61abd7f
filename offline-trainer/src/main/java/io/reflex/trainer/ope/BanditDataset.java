package io.reflex.trainer.ope;

import java.util.Objects;

/**
 * Logged single decisions with their rewards, ready for bandit off-policy evaluation: per decision
 * the context the loop saw, the action it took, the probability with which it took it (the
 * propensity, or pscore) and the reward observed for it.
 *
 * <p>Immutable by convention: the arrays are handed over on construction, not copied, and must not
 * be changed afterwards. Thread-safe for reading.
 */
public final class BanditDataset {

    private final int actionCount;
    private final float[][] contexts;
    private final int[] actions;
    private final double[] rewards;
    private final double[] propensities;

    /**
     * @param actionCount  the number of actions the loop chooses among
     * @param contexts     one feature vector per decision, all of the same width
     * @param actions      the logged actions, each in {@code [0, actionCount)}
     * @param rewards      finite rewards
     * @param propensities the logging policy's probability of each logged action, in (0, 1]
     * @throws IllegalArgumentException naming the first decision and field at fault
     */
    public BanditDataset(int actionCount, float[][] contexts, int[] actions, double[] rewards, double[] propensities) {
        int n = contexts.length;
        if (actionCount < 1) {
            throw new IllegalArgumentException("need at least one action, got " + actionCount);
        }
        if (actions.length != n || rewards.length != n || propensities.length != n) {
            throw new IllegalArgumentException("contexts, actions, rewards and propensities differ in length: "
                    + n + ", " + actions.length + ", " + rewards.length + ", " + propensities.length);
        }
        int width = n == 0 ? 0 : contexts[0].length;
        for (int i = 0; i < n; i++) {
            Objects.requireNonNull(contexts[i], "context");
            if (contexts[i].length != width) {
                throw new IllegalArgumentException("decision " + i + ": features has " + contexts[i].length
                        + " values, the first decision " + width);
            }
            if (actions[i] < 0 || actions[i] >= actionCount) {
                throw new IllegalArgumentException("decision " + i + ": action " + actions[i] + " is outside [0, "
                        + actionCount + ")");
            }
            if (!(propensities[i] > 0 && propensities[i] <= 1)) {
                throw new IllegalArgumentException("decision " + i + ": propensity " + propensities[i]
                        + " is outside (0, 1]");
            }
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalArgumentException("decision " + i + ": reward " + rewards[i] + " is not finite");
            }
        }
        this.actionCount = actionCount;
        this.contexts = contexts;
        this.actions = actions;
        this.rewards = rewards;
        this.propensities = propensities;
    }

    /** Decisions in the dataset. */
    public int size() {
        return contexts.length;
    }

    public int actionCount() {
        return actionCount;
    }

    /** Features per decision (0 for an empty dataset). */
    public int featureCount() {
        return contexts.length == 0 ? 0 : contexts[0].length;
    }

    public float[] context(int i) {
        return contexts[i];
    }

    public int action(int i) {
        return actions[i];
    }

    public double reward(int i) {
        return rewards[i];
    }

    public double propensity(int i) {
        return propensities[i];
    }

    /** The mean logged reward: the on-policy value of the logging policy. */
    public double meanReward() {
        double s = 0;
        for (double r : rewards) {
            s += r;
        }
        return rewards.length == 0 ? Double.NaN : s / rewards.length;
    }

    float[][] contexts() {
        return contexts;
    }

    int[] actions() {
        return actions;
    }

    double[] rewards() {
        return rewards;
    }
}
