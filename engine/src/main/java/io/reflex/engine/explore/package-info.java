/**
 * Exploration: choosing an action from a policy's scores and recording how likely that choice was,
 * so that decisions logged under exploration ({@code io.reflex.engine.log}) can later be
 * re-weighted to evaluate another policy off-line.
 *
 * <p>{@link io.reflex.engine.explore.ActionSelector} is the contract: choose, then report the
 * chosen action's probability, or compute any action's probability without drawing (what an
 * off-policy estimator needs for a target policy). {@link io.reflex.engine.explore.EpsilonGreedy}
 * takes the best action with probability 1 − ε; {@link io.reflex.engine.explore.SoftmaxSelector}
 * draws with Boltzmann weights at a temperature.
 *
 * <p>Selectors are seeded and deterministic (same seed, same scores, same choices). Not
 * thread-safe: one per deciding thread. Choosing allocates nothing (the softmax selector grows its
 * scratch array only when a choice has more actions than any before).
 */
package io.reflex.engine.explore;
