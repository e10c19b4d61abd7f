/**
 * Real caches driven as black boxes ({@link io.reflex.trainer.cache.BlackBoxCache}): they own their
 * contents, capacity accounting, expiry and eviction, and the simulator only counts the hits they
 * report. {@link io.reflex.trainer.cache.policy.product.CaffeineWTinyLfu} ({@code wtinylfu}) is plain
 * Caffeine, run with Caffeine's maintenance on the replaying thread and its clock on the trace's time.
 * The Caffeine adapter driven the same way ({@code reflex-caffeine}) is
 * {@code io.reflex.harness.product.ReflexCaffeineCache}, in the harness, so that the trainer does not
 * depend on the adapter. Caffeine admits a warm candidate at random about once in 128 contests, from
 * an unseedable source, so results may differ in the last digits between runs.
 *
 * <p>One instance per replay, one thread. Each miss allocates a small value object.
 */
package io.reflex.trainer.cache.policy.product;
