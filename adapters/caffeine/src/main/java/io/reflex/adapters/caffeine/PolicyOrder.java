package io.reflex.adapters.caffeine;

import java.util.function.IntToDoubleFunction;

/**
 * The policy's order over one decision's candidates: the best-scored candidate not yet taken, so
 * that a decision can evict beyond its victim mask in the order the policy prefers (highest
 * Q-value first; on equal scores the colder candidate, i.e. the lower position, as Caffeine would).
 *
 * <p>Stateless; allocation-free (a selection scan over at most 64 scores, cheaper than sorting for
 * the few extra victims a decision takes).
 */
final class PolicyOrder {

    private PolicyOrder() {
    }

    /**
     * The position in {@code [0, count)} with the highest score among those whose bit is clear in
     * {@code taken}, or -1 when every position is taken. Scores are finite (a decision with a
     * non-finite score falls back before anyone asks for its order).
     *
     * @param scores the decision's score of each position (the decider's {@code score})
     * @param count  candidates in the decision, in [0, 64]
     * @param taken  positions already evicted or skipped, bit i for position i
     */
    static int nextBest(IntToDoubleFunction scores, int count, long taken) {
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            if ((taken & (1L << i)) != 0) {
                continue;
            }
            double s = scores.applyAsDouble(i);
            if (best < 0 || s > bestScore) {
                best = i;
                bestScore = s;
            }
        }
        return best;
    }
}
