/**
 * The classical policies TPGR is compared with, each a
 * {@link io.reflex.recommender.env.SessionPolicy}: {@link io.reflex.recommender.baseline.RandomPolicy}
 * (uniform, without repeats), {@link io.reflex.recommender.baseline.PopularityPolicy} (most-rated
 * first), {@link io.reflex.recommender.baseline.GreedyMfPolicy} (highest predicted rating from the
 * session's ridge estimate, TPGR's GreedySVD) and {@link io.reflex.recommender.baseline.LinUcbPolicy}
 * (LinUCB per session). The greedy and LinUCB policies score every item at every step, which is the
 * cost the tree avoids.
 *
 * <p>Threading: policies may be opened from any thread; each session is single-threaded. These are
 * evaluation code and allocate per session (masks, permutations, matrices).
 */
package io.reflex.recommender.baseline;
