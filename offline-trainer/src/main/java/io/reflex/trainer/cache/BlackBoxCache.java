package io.reflex.trainer.cache;

/**
 * A real cache driven as a black box: it owns its contents, its capacity accounting, its expiry and
 * its eviction decisions, and reports for each request whether it was a hit. The simulator counts
 * hits, bytes and windows from those reports; nothing is re-implemented or second-guessed.
 *
 * <p>Threading: one instance per replay, called from one thread.
 */
public non-sealed interface BlackBoxCache extends CachePolicy {

    /**
     * Looks the object up; on a miss, stores it (the cache may refuse or immediately evict it).
     *
     * @param object     dense object id
     * @param sizeBytes  requested size in bytes
     * @param charge     what the object takes of the capacity (its size, or 1 for an entry capacity)
     * @param timeSeconds the request time in seconds
     * @param ttlSeconds the TTL the object gets if stored now; 0 for none
     * @return true on a hit reported by the cache itself
     */
    boolean access(int object, long sizeBytes, long charge, double timeSeconds, double ttlSeconds);

    /** What the cache holds now, in the capacity's unit (bytes or entries), as the cache reports it. */
    long usedCharge();

    /** Objects the cache evicted so far, as it reports them; -1 when it does not. */
    default long evictions() {
        return -1;
    }
}
