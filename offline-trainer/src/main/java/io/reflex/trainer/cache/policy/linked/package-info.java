/**
 * Queue-based policies: {@link io.reflex.trainer.cache.policy.linked.LruPolicy} ({@code lru}, which
 * reads the simulator's own recency order), {@link io.reflex.trainer.cache.policy.linked.FifoPolicy}
 * ({@code fifo}), {@link io.reflex.trainer.cache.policy.linked.SievePolicy} ({@code sieve}, NSDI'24)
 * and {@link io.reflex.trainer.cache.policy.linked.S3FifoPolicy} ({@code s3fifo}, SOSP'23, with the
 * defaults of libCacheSim's implementation); the last three keep their queues in
 * {@link io.reflex.trainer.cache.policy.ObjectLists}.
 *
 * <p>One instance per replay, one thread; each allocates only at construction ({@code lru} not at all).
 */
package io.reflex.trainer.cache.policy.linked;
