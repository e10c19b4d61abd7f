package io.reflex.trainer.rl;

import io.reflex.engine.eviction.EvictionFeatures;

/**
 * Where transitions go one at a time, in decision order: a {@link TransitionSet.Builder} (keeps them
 * all) or a {@link TransitionReservoir} (keeps a bounded uniform sample). A transition's next state is
 * the state of the transition added after it, unless it is {@code done}; a {@link TransitionSource}
 * streams its episodes into one, so the rows it reads are never all in memory at once.
 *
 * <p>Implementations are not thread-safe: one writer.
 */
public interface TransitionSink {

    /**
     * Adds one transition, its fields as the accessors of {@link TransitionSet} return them.
     *
     * @param state            {@code 6K} encoded features (copied)
     * @param candidateRewards the training reward of evicting each candidate, K values (copied)
     * @param candidateSpans   each candidate's span, K values (copied)
     * @throws IllegalArgumentException naming the field when a length or the action is out of range
     */
    void add(float[] state, int count, int action, float propensity, float[] candidateRewards, float[] candidateSpans,
             float coldRlReward, float span, boolean done);

    /** Adds every transition of {@code set}, in order (allocates three row buffers per call). */
    default void addAll(TransitionSet set) {
        int k = set.k();
        float[] state = new float[k * EvictionFeatures.PER_CANDIDATE];
        float[] rewards = new float[k];
        float[] spans = new float[k];
        for (int t = 0; t < set.size(); t++) {
            set.copyState(t, state, 0);
            for (int j = 0; j < k; j++) {
                rewards[j] = set.candidateReward(t, j);
                spans[j] = set.candidateSpan(t, j);
            }
            add(state, set.candidateCount(t), set.action(t), set.propensity(t), rewards, spans, set.coldRlReward(t),
                    set.span(t), set.done(t));
        }
    }
}
