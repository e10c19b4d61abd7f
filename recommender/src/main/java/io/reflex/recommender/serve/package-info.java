/**
 * Serving TPGR. {@link io.reflex.recommender.serve.TreeRecommender} is the embeddable recommender: one
 * engine {@link io.reflex.engine.runtime.DecisionRuntime} per tree level, each serving that level's
 * ONNX model with popularity as the fallback, and decisions (with their propensities) and outcomes
 * optionally written to a {@link io.reflex.engine.log.DecisionLogWriter}. A
 * {@link io.reflex.recommender.serve.TreeWalker} makes one root-to-leaf walk, greedy or sampled by
 * softmax; a {@link io.reflex.recommender.serve.RecommendationSession} holds one user's state and mask.
 * {@link io.reflex.recommender.serve.TpgrSessionPolicy} wraps the served recommender as an evaluation
 * policy, so that evaluation calls it exactly as a server would.
 *
 * <p>Threading: the recommender is thread-safe; each deciding thread takes its own
 * {@code TreeRecommender.Decider}, whose recommendations allocate nothing after the first decision on
 * each model version. Walkers are one per deciding thread and allocate nothing per walk. A session
 * serves one request at a time; its feedback allocates nothing, and {@code restart()} reuses its
 * buffers.
 */
package io.reflex.recommender.serve;
