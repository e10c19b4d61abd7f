package io.reflex.trainer.cache.policy.adaptive;

import io.reflex.trainer.cache.CacheView;
import io.reflex.trainer.cache.EvictionContext;
import io.reflex.trainer.cache.EvictionPolicy;
import io.reflex.trainer.cache.RemovalCause;
import io.reflex.trainer.cache.policy.ObjectLists;

/**
 * {@code arc}: Adaptive Replacement Cache (Megiddo and Modha, FAST'03), generalised to sizes by
 * counting every list in the capacity's unit (bytes, or one per entry; with entries it is the paper's
 * algorithm). T1 holds objects seen once recently, T2 objects seen at least twice; B1 and B2 are
 * ghost lists of keys recently evicted from each. A miss found in B1 grows the target size {@code p}
 * of T1 by {@code max(1, |B2|/|B1|)} times the object's size, one found in B2 shrinks it by
 * {@code max(1, |B1|/|B2|)} times; REPLACE evicts from T1 when it is over {@code p} (or exactly at
 * {@code p} when the miss came from B2), else from T2. Ghosts are trimmed to {@code |T1|+|B1| <= c}
 * and a total of {@code 2c}.
 *
 * <p>One instance per replay, one thread; allocates only at construction.
 */
public final class ArcPolicy implements EvictionPolicy {

    private static final int T1 = 0;
    private static final int T2 = 1;
    private static final int B1 = 2;
    private static final int B2 = 3;

    private final ObjectLists lists;
    private final long[] listedCharge;
    private final long[] bytes = new long[4];
    private final long capacity;
    private double p;
    private int ghostHit = ObjectLists.NONE;

    /**
     * @param objects  the trace's object count
     * @param capacity the capacity in its unit (bytes or entries)
     */
    public ArcPolicy(int objects, long capacity) {
        lists = new ObjectLists(objects, 4);
        listedCharge = new long[objects];
        this.capacity = capacity;
    }

    @Override
    public String name() {
        return "arc";
    }

    @Override
    public void onHit(int object, CacheView cache) {
        int l = lists.listOf(object);
        if (l != T2) {
            move(object, T2);
        } else {
            lists.moveToFirst(T2, object);
        }
    }

    @Override
    public void onMiss(int object, CacheView cache) {
        ghostHit = lists.listOf(object);
        long size = cache.incomingCharge();
        if (ghostHit == B1) {
            double ratio = bytes[B1] >= bytes[B2] ? 1 : (double) bytes[B2] / bytes[B1];
            p = Math.min(capacity, p + ratio * size);
            drop(object);
        } else if (ghostHit == B2) {
            double ratio = bytes[B2] >= bytes[B1] ? 1 : (double) bytes[B1] / bytes[B2];
            p = Math.max(0, p - ratio * size);
            drop(object);
        } else {
            ghostHit = ObjectLists.NONE;
        }
    }

    @Override
    public void evict(EvictionContext cache) {
        long t1 = bytes[T1];
        boolean fromT1 = t1 > 0 && (t1 > p || (ghostHit == B2 && t1 >= p) || bytes[T2] == 0);
        int victim = lists.last(fromT1 ? T1 : T2);
        long c = listedCharge[victim];
        cache.evict(victim);
        add(victim, fromT1 ? B1 : B2, c);
    }

    @Override
    public void onInsert(int object, CacheView cache) {
        add(object, ghostHit == ObjectLists.NONE ? T1 : T2, cache.charge(object));
        ghostHit = ObjectLists.NONE;
        while (bytes[T1] + bytes[B1] > capacity && bytes[B1] > 0) {
            drop(lists.last(B1));
        }
        while (bytes[T1] + bytes[T2] + bytes[B1] + bytes[B2] > 2 * capacity && bytes[B2] > 0) {
            drop(lists.last(B2));
        }
    }

    @Override
    public void onRemove(int object, RemovalCause cause, CacheView cache) {
        int l = lists.listOf(object);
        if (l == T1 || l == T2) {
            drop(object);
        }
    }

    private void add(int object, int list, long charge) {
        lists.addFirst(list, object);
        listedCharge[object] = charge;
        bytes[list] += charge;
    }

    private void move(int object, int list) {
        long c = listedCharge[object];
        drop(object);
        add(object, list, c);
    }

    private void drop(int object) {
        int l = lists.remove(object);
        if (l != ObjectLists.NONE) {
            bytes[l] -= listedCharge[object];
        }
    }
}
