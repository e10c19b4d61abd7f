package io.reflex.trainer.cache.policy.linked;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectLists;

/**
 * {@code fifo}: evicts the object admitted longest ago; hits change nothing.
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class FifoPolicy implements EvictionPolicy {

    private final ObjectLists queue;

    /** @param objects the trace's object count */
    public FifoPolicy(int objects) {
        queue = new ObjectLists(objects, 1);
    }

    @Override
    public String name() {
        return "fifo";
    }

    @Override
    public void onHit(int object, CacheView cache) {
    }

    @Override
    public void evict(EvictionContext cache) {
        cache.evict(queue.last(0));
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        queue.addFirst(0, object);
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        queue.remove(object);
    }
}
