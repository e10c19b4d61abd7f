package io.reflex.trainer.ope;

import io.reflex.engine.explore.ActionSelector;

import java.util.SplittableRandom;

/**
 * A contextual bandit whose reward model is known, so any policy's true value is exact: contexts
 * are drawn uniformly from a fixed population of Gaussian feature vectors, and action {@code a} in
 * context {@code x} pays 1 with probability {@code σ(θ_a · x + b_a)} (a click), else 0. The true
 * value of a policy is the population mean of {@code Σ_a π(a|x) σ(θ_a · x + b_a)}, computed exactly
 * (no Monte Carlo error in the truth the estimators are measured against).
 *
 * <p>The environment (population, θ, b, and the two reference scorers) comes from the environment
 * seed; logged data from a separate seed, so many logs of one environment can be drawn.
 *
 * <p>Immutable and thread-safe; the sampling methods take their random stream as an argument.
 */
public final class SyntheticBandit {

    private final int features;
    private final int actions;
    private final float[][] population;
    private final double[] theta;
    private final double[] bias;
    private final LinearActionScorer behaviourScorer;
    private final LinearActionScorer targetScorer;

    /**
     * @param features    context width, at least 1
     * @param actions     actions, at least 2
     * @param population  contexts in the population, at least 1
     * @param seed        the environment seed
     */
    public SyntheticBandit(int features, int actions, int population, long seed) {
        if (features < 1 || actions < 2 || population < 1) {
            throw new IllegalArgumentException("a synthetic bandit needs >= 1 feature, >= 2 actions and >= 1 context, got "
                    + features + ", " + actions + ", " + population);
        }
        this.features = features;
        this.actions = actions;
        SplittableRandom r = new SplittableRandom(seed);
        this.population = new float[population][features];
        for (float[] x : this.population) {
            for (int j = 0; j < features; j++) {
                x[j] = (float) r.nextGaussian();
            }
        }
        this.theta = new double[actions * features];
        this.bias = new double[actions];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = 0.5 * r.nextGaussian();
        }
        for (int a = 0; a < actions; a++) {
            bias[a] = 0.5 * r.nextGaussian();
        }
        // The logging policy knows the reward a little; the target knows it well but not exactly.
        this.behaviourScorer = noisyCopy(0.5, 0.5, r);
        this.targetScorer = noisyCopy(1.0, 0.3, r);
    }

    /** The benchmark's environment: 5 features, 5 actions, 10,000 contexts. */
    public static SyntheticBandit standard(long seed) {
        return new SyntheticBandit(5, 5, 10_000, seed);
    }

    public int featureCount() {
        return features;
    }

    public int actionCount() {
        return actions;
    }

    /** A mildly informed scorer: {@code 0.5 θ} plus noise. */
    public LinearActionScorer behaviourScorer() {
        return behaviourScorer;
    }

    /** A well-informed scorer: {@code θ} plus a little noise; greedy on it beats the behaviour policy. */
    public LinearActionScorer targetScorer() {
        return targetScorer;
    }

    /** The true logits {@code θ_a · x + b_a}: greedy on them is the optimal policy. */
    public LinearActionScorer rewardScorer() {
        return noisyCopy(1.0, 0, null);
    }

    /** The probability that {@code action} pays in {@code context}. */
    public double expectedReward(float[] context, int action) {
        double z = bias[action];
        for (int j = 0; j < features; j++) {
            z += theta[action * features + j] * context[j];
        }
        return 1 / (1 + Math.exp(-z));
    }

    /** A context drawn uniformly from the population (shared: do not modify it). */
    public float[] context(SplittableRandom random) {
        return population[random.nextInt(population.length)];
    }

    /** A reward drawn for {@code action} in {@code context}: 1 with its expected reward, else 0. */
    public double reward(float[] context, int action, SplittableRandom random) {
        return random.nextDouble() < expectedReward(context, action) ? 1 : 0;
    }

    /** The exact expected reward per decision of {@code policy}: its mean over the population. */
    public double value(TargetPolicy policy) {
        double[] p = new double[actions];
        double sum = 0;
        for (float[] x : population) {
            policy.distribution(x, p);
            for (int a = 0; a < actions; a++) {
                sum += p[a] * expectedReward(x, a);
            }
        }
        return sum / population.length;
    }

    /**
     * Logs {@code n} decisions: a context, the behaviour's action drawn by {@code behaviour} on
     * {@code scorer}'s scores with its propensity, and a drawn reward.
     */
    public BanditDataset log(int n, ActionScorer scorer, ActionSelector behaviour, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] contexts = new float[n][];
        int[] logged = new int[n];
        double[] rewards = new double[n];
        double[] propensities = new double[n];
        float[] scores = new float[actions];
        for (int i = 0; i < n; i++) {
            float[] x = context(random);
            scorer.score(x, scores);
            int a = behaviour.choose(scores, 0, actions);
            contexts[i] = x;
            logged[i] = a;
            propensities[i] = behaviour.probability();
            rewards[i] = reward(x, a, random);
        }
        return new BanditDataset(actions, contexts, logged, rewards, propensities);
    }

    private LinearActionScorer noisyCopy(double scale, double noise, SplittableRandom r) {
        float[] w = new float[theta.length];
        float[] b = new float[actions];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (scale * theta[i] + (noise == 0 ? 0 : noise * r.nextGaussian()));
        }
        for (int a = 0; a < actions; a++) {
            b[a] = (float) (scale * bias[a] + (noise == 0 ? 0 : noise * r.nextGaussian()));
        }
        return new LinearActionScorer(features, actions, w, b);
    }
}
