package io.reflex.trainer.ope;

/**
 * Scores every action for a context (higher is better): the output of a policy model, before any
 * rule turns scores into a choice.
 *
 * <p>Implementations are not required to be thread-safe (they may keep evaluation buffers); use one
 * per thread.
 */
public interface ActionScorer {

    /** Features per context. */
    int featureCount();

    /** Actions scored. */
    int actionCount();

    /** Writes {@link #actionCount()} scores for {@code context} into {@code scores}. */
    void score(float[] context, float[] scores);
}
