package io.reflex.engine.matching;

/**
 * The learned side of a matching decision: scores candidate rows (see {@link CandidateFeatures});
 * the matcher proposes the highest-scoring candidate. The production implementation is
 * {@link OnnxCandidateScorer} (a shared per-candidate MLP on the engine's fast path); any other
 * implementation (a rule, a different model, an adversary in a test) plugs in the same way, and the
 * {@link RobustnessSwitch} keeps its guarantee whatever the scores are.
 *
 * <p>An implementation is used by one thread at a time (the matcher's) and should allocate nothing
 * per call. A NaN score never wins; if the scorer throws, the matcher counts it and lets the expert
 * decide.
 */
@FunctionalInterface
public interface CandidateScorer {

    /**
     * Scores {@code rows} candidates.
     *
     * @param rows       number of candidate rows (at least 1)
     * @param candidates the node of each row, {@link MatchingState#SKIP} for the skip row
     * @param features   {@link CandidateFeatures#COUNT} floats per row, row-major; columns
     *                   {@link CandidateFeatures#SHARED_FROM} to {@link CandidateFeatures#SHARED_TO}
     *                   (exclusive) are the same in every row
     * @param scores     receives one score per row; higher is preferred
     */
    void score(int rows, int[] candidates, float[] features, float[] scores);
}
