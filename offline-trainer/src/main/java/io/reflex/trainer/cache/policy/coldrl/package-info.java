/**
 * Cold-RL's baselines, as its public code defines them, so that the learned policy is compared with
 * what Cold-RL compared itself with: {@link io.reflex.trainer.cache.policy.coldrl.SizePolicy}
 * ({@code size}: largest first), {@link io.reflex.trainer.cache.policy.coldrl.AdaptiveLruPolicy}
 * ({@code adaptive-lru}: LRU in which objects over 50 KiB look 1,000 s older) and
 * {@link io.reflex.trainer.cache.policy.coldrl.HybridPolicy} ({@code hybrid}: a weighted sum of idle
 * time and relative size, in practice close to LRU).
 *
 * <p>One instance per replay, one thread; each allocates only at construction.
 */
package io.reflex.trainer.cache.policy.coldrl;
