package io.reflex.trainer.cache.policy.coldrl;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectLists;

/**
 * {@code adaptive-lru}: Cold-RL's AdaptiveLRU, as its public code defines it: LRU on a recency key of
 * {@code last_access - 1000 s} for objects over 50 KiB and {@code last_access} for the others, so
 * large objects look older and go first. Kept as two LRU lists (small, large) and a comparison of
 * their tails, so every operation is O(1).
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class AdaptiveLruPolicy implements EvictionPolicy {

    /** Objects larger than this many bytes are "large". */
    public static final long LARGE_BYTES = 50 * 1024;
    /** How much older a large object looks, in seconds. */
    public static final double LARGE_PENALTY_SECONDS = 1000;

    private static final int SMALL = 0;
    private static final int LARGE = 1;

    private final ObjectLists lists;

    /** @param objects the trace's object count */
    public AdaptiveLruPolicy(int objects) {
        lists = new ObjectLists(objects, 2);
    }

    @Override
    public String name() {
        return "adaptive-lru";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        lists.moveToFirst(lists.listOf(object), object);
    }

    @Override
    public void evict(EvictionContext cache) {
        int small = lists.last(SMALL);
        int large = lists.last(LARGE);
        if (small < 0) {
            cache.evict(large);
        } else if (large < 0) {
            cache.evict(small);
        } else {
            double largeKey = cache.lastAccessAt(large) - LARGE_PENALTY_SECONDS;
            cache.evict(largeKey <= cache.lastAccessAt(small) ? large : small);
        }
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        lists.addFirst(cache.size(object) > LARGE_BYTES ? LARGE : SMALL, object);
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        lists.remove(object);
    }
}
