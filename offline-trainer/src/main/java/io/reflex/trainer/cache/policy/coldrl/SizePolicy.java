package io.reflex.trainer.cache.policy.coldrl;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectHeap;

/**
 * {@code size}: Cold-RL's size-based baseline, evicting the largest object first (by size in bytes,
 * whatever the capacity's unit; ties: the least recently used).
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class SizePolicy implements EvictionPolicy {

    private final ObjectHeap heap;

    /** @param objects the trace's object count */
    public SizePolicy(int objects) {
        heap = new ObjectHeap(objects);
    }

    @Override
    public String name() {
        return "size";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        heap.put(object, -cache.size(object), cache.requestIndex());
    }

    @Override
    public void evict(EvictionContext cache) {
        cache.evict(heap.peek());
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        heap.put(object, -cache.size(object), cache.requestIndex());
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        heap.remove(object);
    }
}
