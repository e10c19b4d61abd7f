/**
 * Online bipartite matching with a robustness guarantee (LOMAR, Li et al., ICML 2023).
 *
 * <p>Offline nodes ({@link io.reflex.engine.matching.OfflineNodes}, each with a capacity and a weight
 * bound) are known up front; online items arrive one at a time with their edge weights and must be
 * matched at once, irrevocably, or skipped. A classical {@link io.reflex.engine.matching.ExpertRule}
 * (greedy, balance, threshold greedy) runs on its own shadow matching; a learned
 * {@link io.reflex.engine.matching.CandidateScorer} (in production an ONNX MLP on the engine's fast
 * path, {@link io.reflex.engine.matching.OnnxCandidateScorer}) proposes a candidate; the
 * {@link io.reflex.engine.matching.RobustnessSwitch} follows the proposal only when doing so keeps
 * {@code reward ≥ ρ · expertReward − B} provable whatever happens next.
 * {@link io.reflex.engine.matching.LomarMatcher} puts the pieces together and reports, for each
 * decision, which branch decided.
 *
 * <p>The pieces that define what the learned policy sees ({@link io.reflex.engine.matching.MatchingState},
 * {@link io.reflex.engine.matching.ArrivalHistory}, {@link io.reflex.engine.matching.CandidateFeatures})
 * are public so the offline trainer computes exactly the features the engine serves.
 */
package io.reflex.engine.matching;
