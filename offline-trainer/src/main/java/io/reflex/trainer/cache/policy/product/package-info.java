/**
 * Real caches driven as black boxes ({@link io.reflex.trainer.cache.BlackBoxCache}): they own their
 * contents, capacity accounting, expiry and eviction, and the simulator only counts the hits they
 * report. {@link io.reflex.trainer.cache.policy.product.CaffeineWTinyLfu} ({@code wtinylfu}) is plain
 * Caffeine; {@link io.reflex.trainer.cache.policy.product.ReflexCaffeineCache} ({@code reflex-caffeine})
 * is the Caffeine adapter {@link io.reflex.adapters.caffeine.ReflexCache} driven the same way, so the
 * two rows differ only by the adapter. Both run Caffeine's maintenance on the replaying thread and its
 * clock on the trace's time. Caffeine admits a warm candidate at random about once in 128 contests,
 * from an unseedable source, so their results may differ in the last digits between runs.
 *
 * <p>One instance per replay, one thread ({@code ReflexCaffeineCache} is closed after it). Each miss
 * allocates a small value object (and, for the adapter, its entry node).
 */
package io.reflex.trainer.cache.policy.product;
