package io.reflex.trainer.cache.policy.linked;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectLists;

/**
 * {@code s3fifo} (Yang et al., SOSP'23), with the defaults of its authors' libCacheSim
 * implementation: a small FIFO of 10% of the capacity, a main FIFO (a clock with a 2-bit counter) of
 * the rest, and a ghost FIFO of evicted keys sized to 90% of the capacity.
 * <ul>
 *   <li>A miss that hits the ghost goes to main; any other goes to small (or to main while small is
 *       full and nothing was ever evicted). An object larger than the small queue is admitted only
 *       from the ghost.</li>
 *   <li>A hit increments the object's counter (saturating at 3).</li>
 *   <li>Eviction takes from main when main is over its share or small is empty, else from small.
 *       From small: an object hit at least twice moves to main, others are evicted into the ghost.
 *       From main: an object with a non-zero counter is reinserted with the counter decremented,
 *       others are evicted.</li>
 * </ul>
 * Sizes are in the capacity's unit (bytes, or one per entry).
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class S3FifoPolicy implements EvictionPolicy {

    private static final int SMALL = 0;
    private static final int MAIN = 1;
    private static final int GHOST = 2;
    private static final int MOVE_TO_MAIN_THRESHOLD = 2;

    private final ObjectLists lists;
    private final byte[] frequency;
    private final long[] ghostCharge;
    private final long smallCapacity;
    private final long mainCapacity;
    private final long ghostCapacity;
    private final long[] bytes = new long[3];
    private boolean hitOnGhost;
    private boolean hasEvicted;

    /**
     * @param objects  the trace's object count
     * @param capacity the capacity in its unit (bytes or entries)
     */
    public S3FifoPolicy(int objects, long capacity) {
        lists = new ObjectLists(objects, 3);
        frequency = new byte[objects];
        ghostCharge = new long[objects];
        smallCapacity = Math.max(1, (long) (capacity * 0.10));
        mainCapacity = capacity - smallCapacity;
        ghostCapacity = (long) (capacity * 0.90);
    }

    @Override
    public String name() {
        return "s3fifo";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        if (frequency[object] < 3) {
            frequency[object]++;
        }
    }

    @Override
    public void onMiss(int object, CacheView cache) {
        hitOnGhost = lists.contains(GHOST, object);
        if (hitOnGhost) {
            lists.remove(object);
            bytes[GHOST] -= ghostCharge[object];
        }
    }

    @Override
    public boolean admit(int object, CacheView cache) {
        return hitOnGhost || cache.incomingCharge() <= smallCapacity;
    }

    @Override
    public void evict(EvictionContext cache) {
        hasEvicted = true;
        boolean evicted = false;
        while (!evicted) {
            evicted = bytes[MAIN] > mainCapacity || bytes[SMALL] == 0 ? evictMain(cache) : evictSmall(cache);
        }
    }

    private boolean evictSmall(EvictionContext cache) {
        while (bytes[SMALL] > 0) {
            int t = lists.last(SMALL);
            long c = cache.charge(t);
            if (frequency[t] >= MOVE_TO_MAIN_THRESHOLD) {
                lists.moveToFirst(MAIN, t);
                bytes[SMALL] -= c;
                bytes[MAIN] += c;
                frequency[t] = 0;
            } else {
                cache.evict(t);
                lists.addFirst(GHOST, t);
                ghostCharge[t] = c;
                bytes[GHOST] += c;
                while (bytes[GHOST] > ghostCapacity) {
                    int g = lists.last(GHOST);
                    lists.remove(g);
                    bytes[GHOST] -= ghostCharge[g];
                }
                return true;
            }
        }
        return false;
    }

    private boolean evictMain(EvictionContext cache) {
        while (bytes[MAIN] > 0) {
            int t = lists.last(MAIN);
            int f = frequency[t];
            if (f >= 1) {
                lists.moveToFirst(MAIN, t);
                frequency[t] = (byte) (Math.min(f, 3) - 1);
            } else {
                cache.evict(t);
                return true;
            }
        }
        return false;
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        int target = hitOnGhost || (!hasEvicted && bytes[SMALL] >= smallCapacity) ? MAIN : SMALL;
        hitOnGhost = false;
        lists.addFirst(target, object);
        bytes[target] += cache.charge(object);
        frequency[object] = 0;
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        int l = lists.listOf(object);
        if (l == SMALL || l == MAIN) {
            lists.remove(object);
            bytes[l] -= cache.charge(object);
        }
    }
}
