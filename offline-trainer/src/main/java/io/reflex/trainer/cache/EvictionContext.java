package io.reflex.trainer.cache;

/**
 * The cache as {@link EvictionPolicy#evict} sees it: everything a {@link CacheView} shows, plus the
 * one mutation a policy may make. Valid only during that call, on the replaying thread.
 */
public interface EvictionContext extends CacheView {

    /**
     * Removes a resident object (calling the policy's {@code onRemove(object, EVICTED)} before
     * returning). A learned policy answering with a bitmask evicts each marked candidate in turn.
     *
     * @throws IllegalArgumentException if the object is not resident
     */
    void evict(int object);
}
