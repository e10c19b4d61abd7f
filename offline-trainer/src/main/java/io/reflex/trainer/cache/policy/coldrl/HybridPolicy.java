package io.reflex.trainer.cache.policy.coldrl;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectHeap;

/**
 * {@code hybrid}: Cold-RL's Hybrid baseline, as its public code defines it: evict the object with the
 * highest {@code 0.4 * idle_seconds + 0.6 * size / max_size}, where {@code max_size} is the largest
 * object size seen so far in the trace. Idle seconds dominate, so it behaves almost like LRU.
 *
 * <p>Since {@code now} is common to all objects, the ranking only needs the static key
 * {@code 0.6 * size / max_size - 0.4 * last_access}, kept in a heap; when {@code max_size} grows the
 * keys are recomputed (O(n), rare). One instance per replay, one thread; allocates only at
 * construction.
 */
public final class HybridPolicy implements EvictionPolicy {

    private static final double IDLE_WEIGHT = 0.4;
    private static final double SIZE_WEIGHT = 0.6;

    private final ObjectHeap heap;
    private double maxSize = 1;
    private CacheView view;

    /** @param objects the trace's object count */
    public HybridPolicy(int objects) {
        heap = new ObjectHeap(objects);
    }

    @Override
    public String name() {
        return "hybrid";
    }

    /** Heap key: the negated score without its common {@code 0.4 * now} term (smallest is evicted). */
    private double key(int object) {
        return IDLE_WEIGHT * view.lastAccessAt(object) - SIZE_WEIGHT * view.size(object) / maxSize;
    }

    @Override
    public void onHit(int object, CacheView cache) {
        view = cache;
        heap.put(object, key(object), cache.requestIndex());
    }

    @Override
    public void evict(EvictionContext cache) {
        cache.evict(heap.peek());
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        view = cache;
        long size = cache.size(object);
        if (size > maxSize) {
            maxSize = size;
            heap.rekeyAll(this::key);
        }
        heap.put(object, key(object), cache.requestIndex());
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        heap.remove(object);
    }
}
