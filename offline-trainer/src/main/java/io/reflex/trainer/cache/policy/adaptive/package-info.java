/**
 * Adaptive policies: {@link io.reflex.trainer.cache.policy.adaptive.ArcPolicy} ({@code arc}, Adaptive
 * Replacement Cache, FAST'03), which balances a recency list against a frequency list with the help of
 * ghost lists, generalised to sizes by counting every list in the capacity's unit (with an entry
 * capacity it is the paper's algorithm).
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
package io.reflex.trainer.cache.policy.adaptive;
