package io.reflex.engine.explore;

import java.util.SplittableRandom;

/**
 * With probability 1 - ε the best-scoring action (ties go to the lowest index), otherwise an action
 * drawn uniformly. The greedy action's probability is {@code 1 - ε + ε/n}, any other's {@code ε/n}.
 *
 * <p>Not thread-safe; allocates nothing per choice.
 */
public final class EpsilonGreedy implements ActionSelector {

    private final double epsilon;
    private final SplittableRandom random;
    private double lastProbability = Double.NaN;

    /**
     * @param epsilon exploration rate in [0, 1]
     * @param seed    seed of the random stream
     */
    public EpsilonGreedy(double epsilon, long seed) {
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1], got " + epsilon);
        }
        this.epsilon = epsilon;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int choose(float[] scores, int offset, int count) {
        checkCount(count);
        int best = argmax(scores, offset, count);
        int action = epsilon > 0 && random.nextDouble() < epsilon ? random.nextInt(count) : best;
        lastProbability = action == best ? 1 - epsilon + epsilon / count : epsilon / count;
        return action;
    }

    @Override
    public double probability() {
        return lastProbability;
    }

    @Override
    public double probabilityOf(float[] scores, int offset, int count, int action) {
        checkCount(count);
        if (action < 0 || action >= count) {
            return 0;
        }
        return action == argmax(scores, offset, count) ? 1 - epsilon + epsilon / count : epsilon / count;
    }

    static int argmax(float[] scores, int offset, int count) {
        int best = 0;
        float bestScore = scores[offset];
        for (int i = 1; i < count; i++) {
            if (scores[offset + i] > bestScore) {
                bestScore = scores[offset + i];
                best = i;
            }
        }
        return best;
    }

    static void checkCount(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("need at least one action, got " + count);
        }
    }
}
