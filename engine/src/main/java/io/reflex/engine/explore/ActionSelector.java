package io.reflex.engine.explore;

/**
 * Chooses an action from a policy's scores and says how likely that choice was, so that decisions
 * logged under exploration can later be re-weighted to evaluate another policy off-line.
 *
 * <p>Implementations are seeded and deterministic: the same seed and the same scores give the same
 * choices. Not thread-safe (each keeps its random stream): one per deciding thread. Choosing
 * allocates nothing.
 */
public interface ActionSelector {

    /**
     * Chooses among actions {@code 0 .. count-1} whose scores are {@code scores[offset .. offset+count)}
     * (higher is better).
     *
     * @return the chosen action; {@link #probability()} then returns its probability
     */
    int choose(float[] scores, int offset, int count);

    /** The probability with which the last {@link #choose} picked its action, in (0, 1]. */
    double probability();

    /**
     * The probability this selector gives {@code action} under {@code scores}, without drawing: what
     * an off-policy estimator needs for the target policy.
     */
    double probabilityOf(float[] scores, int offset, int count, int action);
}
