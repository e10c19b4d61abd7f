package io.reflex.trainer.cache.policy.frequency;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectHeap;

/**
 * {@code lfu}: evicts the resident object requested least often since it was admitted (ties: the
 * least recently used). Counts start at 1 on admission and are forgotten on eviction.
 *
 * <p>With aging ({@code lfu-aging}) it is LFU with Dynamic Aging (Arlitt et al., 2000): an object's
 * priority is {@code L + count}, where {@code L} is the priority of the last evicted object, so
 * objects that were popular long ago age out instead of staying forever.
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class LfuPolicy implements EvictionPolicy {

    private final ObjectHeap heap;
    private final int[] count;
    private final boolean aging;
    private double inflation;

    /**
     * @param objects the trace's object count
     * @param aging   whether to use dynamic aging
     */
    public LfuPolicy(int objects, boolean aging) {
        this.heap = new ObjectHeap(objects);
        this.count = new int[objects];
        this.aging = aging;
    }

    @Override
    public String name() {
        return aging ? "lfu-aging" : "lfu";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        count[object]++;
        heap.put(object, inflation + count[object], cache.requestIndex());
    }

    @Override
    public void evict(EvictionContext cache) {
        int victim = heap.peek();
        if (aging) {
            inflation = heap.keyOf(victim);
        }
        cache.evict(victim);
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        count[object] = 1;
        heap.put(object, inflation + 1, cache.requestIndex());
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        heap.remove(object);
    }
}
