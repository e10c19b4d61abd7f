package io.reflex.engine.explore;

import java.util.SplittableRandom;

/**
 * Draws an action with probability {@code exp(s_i / T) / Σ_j exp(s_j / T)} (Boltzmann exploration),
 * computed stably (scores shifted by their maximum). A low temperature approaches greedy choice, a
 * high one uniform choice.
 *
 * <p>Not thread-safe; allocates nothing per choice.
 */
public final class SoftmaxSelector implements ActionSelector {

    private final double temperature;
    private final SplittableRandom random;
    private double lastProbability = Double.NaN;

    /**
     * @param temperature T, in (0, 1e6]
     * @param seed        seed of the random stream
     */
    public SoftmaxSelector(double temperature, long seed) {
        if (!(temperature > 0 && temperature <= 1e6)) {
            throw new IllegalArgumentException("temperature must be in (0, 1e6], got " + temperature);
        }
        this.temperature = temperature;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int choose(float[] scores, int offset, int count) {
        EpsilonGreedy.checkCount(count);
        float max = max(scores, offset, count);
        double total = 0;
        for (int i = 0; i < count; i++) {
            total += weight(scores[offset + i], max);
        }
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int action = count - 1;
        for (int i = 0; i < count; i++) {
            cumulative += weight(scores[offset + i], max);
            if (u < cumulative) {
                action = i;
                break;
            }
        }
        lastProbability = weight(scores[offset + action], max) / total;
        return action;
    }

    @Override
    public double probability() {
        return lastProbability;
    }

    @Override
    public double probabilityOf(float[] scores, int offset, int count, int action) {
        EpsilonGreedy.checkCount(count);
        if (action < 0 || action >= count) {
            return 0;
        }
        float max = max(scores, offset, count);
        double total = 0;
        for (int i = 0; i < count; i++) {
            total += weight(scores[offset + i], max);
        }
        return weight(scores[offset + action], max) / total;
    }

    private double weight(float score, float max) {
        return Math.exp((score - max) / temperature);
    }

    private static float max(float[] scores, int offset, int count) {
        float m = scores[offset];
        for (int i = 1; i < count; i++) {
            m = Math.max(m, scores[offset + i]);
        }
        if (!Float.isFinite(m)) {
            throw new IllegalArgumentException("scores must be finite, got a maximum of " + m);
        }
        return m;
    }
}
