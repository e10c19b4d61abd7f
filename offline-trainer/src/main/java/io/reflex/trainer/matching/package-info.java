/**
 * Learning LOMAR's scorer offline and measuring it: seeded instance generators (Erdős–Rényi,
 * Barabási–Albert, a MovieLens-like coverage-gain setting built from generated ratings, a spatial
 * worker/task setting) and a reader for user edge lists; the exact offline optimum (JGraphT's maximum
 * weight bipartite matching); REINFORCE with LOMAR's soft switch, exported to ONNX; and the
 * evaluation behind {@code ./reflex matching evaluate}, which serves the exported model through the
 * engine's {@link io.reflex.engine.matching.LomarMatcher} exactly as production would.
 */
package io.reflex.trainer.matching;
