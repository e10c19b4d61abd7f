package io.reflex.trainer.cache;

/**
 * Sees the outcome of each request of a replay, after the cache has handled it: for tests (capacity
 * invariants, comparison against reference implementations) and for collecting training signals.
 * Called on the replaying thread; an observer shared between replays must be thread-safe.
 */
@FunctionalInterface
public interface RequestObserver {

    /**
     * @param index      the request's position in the trace
     * @param object     its object
     * @param hit        whether it was a hit
     * @param usedCharge what the cache holds after the request, in the capacity's unit
     */
    void afterRequest(int index, int object, boolean hit, long usedCharge);
}
