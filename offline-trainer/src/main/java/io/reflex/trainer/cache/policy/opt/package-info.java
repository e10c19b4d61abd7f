/**
 * Clairvoyant references, which read the trace's future: what the other policies are measured
 * against. {@link io.reflex.trainer.cache.policy.opt.BeladyPolicy} ({@code belady}) evicts the object
 * requested furthest in the future, with bypass: with unit sizes and no TTLs no policy can hit more
 * often. {@link io.reflex.trainer.cache.policy.opt.SizeAwareBeladyPolicy} ({@code belady-size}) weighs
 * size by distance over a random sample, for byte capacities.
 * {@link io.reflex.trainer.cache.policy.opt.TailBeladyPolicy} ({@code belady-tail}) chooses only among
 * the 64 least recently used, as the learned loop does, so the gap between it and a policy ranking the
 * whole cache measures what restricting candidates to the LRU tail costs. With varied sizes the optimum
 * is NP-hard: the two size-aware ones are strong references, not proven bounds.
 *
 * <p>One instance per replay, one thread; each allocates only at construction (the trace computes its
 * next-access index once, on first use). {@code belady-size} is seeded, so replays repeat exactly.
 */
package io.reflex.trainer.cache.policy.opt;
