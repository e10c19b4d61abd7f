package io.reflex.engine.adapt;

/**
 * A cache of keys only, run beside a live cache on the requests a {@link SpatialSampler} picks, to
 * say what a classical rule would have hit there: {@link MiniatureLru} for LRU; a host whose rule
 * is another (the Caffeine adapter's W-TinyLFU) brings its own.
 *
 * <p>Implementations say their memory bound, thread-safety and allocation; {@link LruFloor} calls
 * one from a single thread (or under the host's lock).
 */
@FunctionalInterface
public interface ShadowCache {

    /**
     * A request for the key: true on a hit; on a miss the key is admitted as the rule would.
     *
     * @param weight the key's weight, at least 1 (its size under a byte capacity, 1 under entries)
     */
    boolean access(long fingerprint, long weight);

    /** Makes a shadow of a capacity already scaled to the sampled keys. */
    @FunctionalInterface
    interface Factory {
        /**
         * @param capacity   the total weight held, at least 1
         * @param maxEntries the most keys held at once, at least 1
         */
        ShadowCache create(long capacity, int maxEntries);
    }
}
