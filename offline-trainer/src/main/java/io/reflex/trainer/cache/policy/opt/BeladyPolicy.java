package io.reflex.trainer.cache.policy.opt;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.policy.ObjectHeap;

/**
 * {@code belady}: the clairvoyant bound. Reads the trace's future: evicts the resident object whose
 * next request is furthest away, and does not cache an object that is never requested again or whose
 * next request comes after those of everything it would displace. With unit sizes and no TTLs this
 * is Belady's MIN with bypass, optimal over all policies, admission policies included: no policy can
 * hit more often on the same trace. With varied sizes it ignores size (see {@code belady-size}).
 *
 * <p>One instance per replay, one thread; allocates only at construction (and the trace's
 * next-access index, once per trace).
 */
public final class BeladyPolicy implements EvictionPolicy {

    private final Trace trace;
    private final ObjectHeap heap;

    /** @param trace the trace that will be replayed */
    public BeladyPolicy(Trace trace) {
        this.trace = trace;
        this.heap = new ObjectHeap(trace.objectCount());
        if (trace.length() > 0) {
            trace.nextAccess(0); // builds the trace's index now, not inside the timed replay
        }
    }

    @Override
    public String name() {
        return "belady";
    }

    private double key(CacheView cache) {
        // Smallest key = furthest next request.
        return -(double) trace.nextAccess(cache.requestIndex());
    }

    @Override
    public void onHit(int object, CacheView cache) {
        heap.put(object, key(cache), 0);
    }

    @Override
    public boolean admit(int object, CacheView cache) {
        int next = trace.nextAccess(cache.requestIndex());
        if (next == Trace.NEVER) {
            return false;
        }
        if (cache.usedCharge() + cache.incomingCharge() <= cache.capacity().value() || heap.isEmpty()) {
            return true;
        }
        return -heap.keyOf(heap.peek()) > next;
    }

    @Override
    public void evict(EvictionContext cache) {
        cache.evict(heap.peek());
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        heap.put(object, key(cache), 0);
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        heap.remove(object);
    }
}
