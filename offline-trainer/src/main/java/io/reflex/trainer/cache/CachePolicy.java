package io.reflex.trainer.cache;

/**
 * A replacement policy the simulator can replay a trace through. There are exactly two kinds:
 * <ul>
 *   <li>{@link EvictionPolicy}: the simulator owns the cache (contents, capacity accounting, TTLs,
 *       per-object statistics, recency order) and the policy sees every access, admission and
 *       eviction and chooses the victims. Every classical policy, the clairvoyant bounds and the
 *       learned policy are of this kind.</li>
 *   <li>{@link BlackBoxCache}: a real cache that owns its contents and decides on its own (Caffeine's
 *       W-TinyLFU); the simulator only asks it for each request and counts what it reports.</li>
 * </ul>
 * An instance serves one replay on one thread; create a fresh one per replay
 * ({@code PolicyCatalog.create}).
 */
public sealed interface CachePolicy permits EvictionPolicy, BlackBoxCache {

    /** The name results carry ({@code "lru"}, {@code "wtinylfu"}...). */
    String name();
}
