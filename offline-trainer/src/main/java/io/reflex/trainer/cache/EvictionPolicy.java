package io.reflex.trainer.cache;

/**
 * A policy replayed by the simulator, which owns the cache. For each request the simulator calls, in
 * this order:
 * <ol>
 *   <li>a resident, unexpired object: {@link #onHit};</li>
 *   <li>a resident but expired object: {@link #onRemove} with {@link RemovalCause#EXPIRED}, then it
 *       is handled as a miss;</li>
 *   <li>a miss: {@link #onMiss}; then, when the object can fit at all, {@link #admit}; if admitted,
 *       {@link #evict} as many times as needed to make room (each call must evict at least one
 *       object through {@link EvictionContext#evict}, which calls {@link #onRemove} with
 *       {@link RemovalCause#EVICTED} before it returns), then the insertion and {@link #onInsert}.</li>
 * </ol>
 * The {@link CacheView} passed in already reflects the current request: its time, the object's
 * updated last-access time and hit count. Objects are dense ids in {@code [0, cache.objectCount())},
 * so per-object state fits in arrays allocated once.
 *
 * <p>Threading: one instance per replay, called from one thread. Allocation: implementations should
 * allocate nothing per request (the simulator itself does not), so that replay speed measures the
 * policy.
 */
public non-sealed interface EvictionPolicy extends CachePolicy {

    /** A resident, unexpired object was requested. */
    void onHit(int object, CacheView cache);

    /** An object that is not (or no longer) resident was requested; called for every miss. */
    default void onMiss(int object, CacheView cache) {
    }

    /**
     * Whether the missed object ({@code cache.incoming()}) should be cached; asked only when it fits
     * the capacity at all, before any eviction. Default: admit everything.
     */
    default boolean admit(int object, CacheView cache) {
        return true;
    }

    /**
     * The cache needs room for {@code cache.incoming()}: evict at least one resident object through
     * {@link EvictionContext#evict}. The simulator calls this again until the incoming object fits.
     */
    void evict(EvictionContext cache);

    /** The object was inserted, after admission and any evictions. */
    void onInsert(int object, CacheView cache);

    /**
     * The object left the cache, evicted by this policy or expired. {@code cache} still answers
     * {@code charge(object)} and the other per-object reads for it.
     */
    void onRemove(int object, RemovalCause cause, CacheView cache);
}
