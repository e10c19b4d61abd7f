package io.reflex.engine.explore;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.SplittableRandom;

/**
 * Draws an action with probability {@code exp(s_i / T) / Σ_j exp(s_j / T)} (Boltzmann exploration),
 * computed stably (scores shifted by their maximum). A low temperature approaches greedy choice, a
 * high one uniform choice.
 *
 * <p>Not thread-safe. Keeps one scratch array of weights, grown when a choice has more actions than
 * any before it; allocates nothing per choice otherwise.
 */
public final class SoftmaxSelector implements ActionSelector {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private final double temperature;
    private final float inverseTemperature;
    private final SplittableRandom random;
    private float[] weights = new float[SPECIES.length()];
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
        this.inverseTemperature = (float) (1 / temperature);
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int choose(float[] scores, int offset, int count) {
        EpsilonGreedy.checkCount(count);
        double total = exponentiate(scores, offset, count);
        float[] w = weights;
        double u = random.nextDouble() * total;
        double cumulative = 0;
        int action = count - 1;
        for (int i = 0; i < count; i++) {
            cumulative += w[i];
            if (u < cumulative) {
                action = i;
                break;
            }
        }
        // Rounding can leave u at or past the last cumulative sum: the last slot with weight takes it.
        while (action > 0 && w[action] == 0f) {
            action--;
        }
        lastProbability = w[action] / total;
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
        double total = exponentiate(scores, offset, count);
        return weights[action] / total;
    }

    /**
     * Fills {@link #weights} with {@code exp((s_i − max) / T)} and returns their sum. The exponentials
     * run in vector lanes (a tree walk samples among hundreds of children per decision), single
     * precision, which is ample for probabilities.
     */
    private double exponentiate(float[] scores, int offset, int count) {
        float max = max(scores, offset, count);
        if (weights.length < count) {
            weights = new float[SPECIES.loopBound(count) + SPECIES.length()];
        }
        float[] w = weights;
        FloatVector shift = FloatVector.broadcast(SPECIES, max);
        FloatVector scale = FloatVector.broadcast(SPECIES, inverseTemperature);
        int i = 0;
        for (int bound = SPECIES.loopBound(count); i < bound; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, scores, offset + i).sub(shift).mul(scale)
                    .lanewise(VectorOperators.EXP).intoArray(w, i);
        }
        for (; i < count; i++) {
            w[i] = (float) Math.exp((scores[offset + i] - max) * inverseTemperature);
        }
        double total = 0;
        for (int k = 0; k < count; k++) {
            total += w[k];
        }
        return total;
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
