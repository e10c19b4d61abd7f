package io.reflex.trainer.cache.policy.linked;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectLists;

/**
 * {@code sieve} (Zhang et al., NSDI'24): a FIFO queue with one visited bit per object and a hand.
 * New objects enter at the head; a hit only sets the bit. To evict, the hand walks from where it
 * stopped toward the head (starting at the tail, wrapping back to it), clearing set bits, and evicts
 * the first object whose bit is clear; objects it passes keep their place.
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class SievePolicy implements EvictionPolicy {

    private final ObjectLists queue;
    private final boolean[] visited;
    private int hand = -1;

    /** @param objects the trace's object count */
    public SievePolicy(int objects) {
        queue = new ObjectLists(objects, 1);
        visited = new boolean[objects];
    }

    @Override
    public String name() {
        return "sieve";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        visited[object] = true;
    }

    @Override
    public void evict(EvictionContext cache) {
        int h = hand >= 0 ? hand : queue.last(0);
        while (visited[h]) {
            visited[h] = false;
            h = queue.newer(h);
            if (h < 0) {
                h = queue.last(0);
            }
        }
        hand = queue.newer(h);
        cache.evict(h);
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        visited[object] = false;
        queue.addFirst(0, object);
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        if (hand == object) {
            hand = queue.newer(object);
        }
        queue.remove(object);
    }
}
