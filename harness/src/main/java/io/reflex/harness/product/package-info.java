/**
 * Reflex's own cache products driven through the simulator as black boxes
 * ({@link io.reflex.trainer.cache.BlackBoxCache}), beside the trainer's plain Caffeine
 * ({@code wtinylfu}, {@link io.reflex.trainer.cache.policy.product.CaffeineWTinyLfu}).
 * {@link io.reflex.harness.product.ReflexCaffeineCache} ({@code reflex-caffeine}) is the Caffeine
 * adapter {@link io.reflex.adapters.caffeine.ReflexCache} driven exactly as {@code wtinylfu} drives
 * plain Caffeine, so that the two rows differ only by the adapter; {@code ./reflex bench caffeine}
 * replays it. It lives in the harness, not the trainer, so that the trainer does not depend on the
 * adapter. Caffeine admits a warm candidate at random about once in 128 contests, from an unseedable
 * source, so results may differ in the last digits between runs.
 *
 * <p>One instance per replay, one thread, closed after it. Each miss allocates the adapter's entry
 * node and one small value object.
 */
package io.reflex.harness.product;
