package io.reflex.trainer.cache.policy.greedydual;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectHeap;

/**
 * {@code gdsf}: Greedy-Dual-Size-Frequency (Cherkasova, 1998) with unit cost, the hit-ratio form.
 * Each object's priority is {@code L + frequency / size}; the lowest is evicted and {@code L} becomes
 * its priority, so recency enters through inflation. Size is the object's charge: bytes for a byte
 * capacity; for an entry capacity every object is one unit and GDSF becomes LFU with dynamic aging.
 * Ties fall to the least recently used.
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class GdsfPolicy implements EvictionPolicy {

    private final ObjectHeap heap;
    private final int[] frequency;
    private double inflation;

    /** @param objects the trace's object count */
    public GdsfPolicy(int objects) {
        heap = new ObjectHeap(objects);
        frequency = new int[objects];
    }

    @Override
    public String name() {
        return "gdsf";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        frequency[object]++;
        heap.put(object, inflation + (double) frequency[object] / cache.charge(object), cache.requestIndex());
    }

    @Override
    public void evict(EvictionContext cache) {
        int victim = heap.peek();
        inflation = heap.keyOf(victim);
        cache.evict(victim);
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        frequency[object] = 1;
        heap.put(object, inflation + 1.0 / cache.charge(object), cache.requestIndex());
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        heap.remove(object);
    }
}
