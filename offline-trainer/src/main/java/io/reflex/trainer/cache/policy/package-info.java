/**
 * The replacement policies the simulator replays, grouped by family in sub-packages:
 * {@code linked} (LRU, FIFO, SIEVE, S3-FIFO), {@code frequency} (LFU, LFU with dynamic aging),
 * {@code greedydual} (GDSF), {@code coldrl} (Cold-RL's baselines), {@code adaptive} (ARC),
 * {@code product} (real caches driven as black boxes), {@code opt} (clairvoyant references) and
 * {@code learned} (Reflex's learned eviction, served by the engine).
 *
 * <p>{@link io.reflex.trainer.cache.policy.PolicyCatalog} names every classical and clairvoyant
 * policy and builds a fresh instance per replay; the learned ones and the Caffeine adapter need a
 * model file and are built by their callers. {@link io.reflex.trainer.cache.policy.ObjectLists}
 * (intrusive doubly-linked lists) and {@link io.reflex.trainer.cache.policy.ObjectHeap} (an indexed
 * min-heap) are the building blocks of the queue-based and priority policies; both work on dense
 * object ids and allocate nothing after construction.
 *
 * <p>Threading: the catalog is stateless and thread-safe. The lists, the heap and every policy serve
 * one replay on one thread.
 */
package io.reflex.trainer.cache.policy;
