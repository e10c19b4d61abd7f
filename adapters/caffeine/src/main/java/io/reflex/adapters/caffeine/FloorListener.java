package io.reflex.adapters.caffeine;

/**
 * Hears each switch of a {@link ReflexCache}'s floor ({@link ReflexCache.Builder#floor}): the
 * learned policy demoted to Caffeine's own eviction, or promoted back.
 *
 * <p>Called where the floor replays the sampled requests (the cache's executor, or a caller's
 * thread when the floor's queue is full or on {@link ReflexCache#cleanUp}), under the floor's
 * lock, at most once per block of sampled requests: keep it short, and do not call the cache from
 * it (a call that waits for the cache's lock can wait for this one).
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
