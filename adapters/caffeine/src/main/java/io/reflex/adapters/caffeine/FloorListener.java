package io.reflex.adapters.caffeine;

/**
 * Hears each switch of a {@link ReflexCache}'s floor ({@link ReflexCache.Builder#floor}): the
 * learned policy demoted to Caffeine's own eviction, or promoted back.
 *
 * <p>Called on the thread whose request caused the switch, under the cache's decision lock, at
 * most once per block of sampled requests: keep it short, and do not write to the cache from it.
 */
@FunctionalInterface
public interface FloorListener {

    /**
     * @param learnedServes whether the learned policy makes the evictions from now on (false:
     *                      demoted, Caffeine's W-TinyLFU order evicts)
     * @param atRequest     the cache's requests (hits and writes) the floor has seen so far, the
     *                      one causing the switch included
     */
    void switched(boolean learnedServes, long atRequest);
}
