/**
 * Frequency-based eviction: {@link io.reflex.trainer.cache.policy.frequency.LfuPolicy}, in-cache LFU
 * ({@code lfu}: counts since admission, forgotten on eviction) and LFU with dynamic aging
 * ({@code lfu-aging}, Arlitt et al.), kept in an {@link io.reflex.trainer.cache.policy.ObjectHeap}.
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
package io.reflex.trainer.cache.policy.frequency;
