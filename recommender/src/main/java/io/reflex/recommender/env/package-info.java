/**
 * The environment the recommenders are trained and judged in.
 * {@link io.reflex.recommender.env.RatingsSimulator} turns a ratings matrix into rewards (a rated item
 * earns according to its rating, an unrated one nothing, plus an optional streak bonus), runs
 * episodes of {@value io.reflex.recommender.env.RatingsSimulator#EPISODE_STEPS} steps and splits
 * users 80/20 into training and test users. {@link io.reflex.recommender.env.SessionPolicy} is what
 * every policy, TPGR and baselines alike, implements: open a session per user, then alternate
 * recommending and feedback, never repeating an item. {@link io.reflex.recommender.env.PolicyEvaluation}
 * runs one episode per test user and reports average reward, precision@32, recall@32 and the p99
 * decision time.
 *
 * <p>Threading: the simulator is immutable and thread-safe; an episode keeps its own streak counters,
 * is single-threaded and allocates nothing per step. A session is used by one thread at a time.
 */
package io.reflex.recommender.env;
