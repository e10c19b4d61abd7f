/**
 * Greedy-Dual policies: {@link io.reflex.trainer.cache.policy.greedydual.GdsfPolicy}
 * ({@code gdsf}, Greedy-Dual-Size-Frequency with unit cost), whose priority {@code L + frequency / size}
 * ranks the whole cache by frequency per byte, with recency entering through the inflation of
 * {@code L}. For an entry capacity it becomes LFU with dynamic aging.
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
package io.reflex.trainer.cache.policy.greedydual;
