package io.reflex.trainer.cache.policy;

import java.util.Arrays;

/**
 * A fixed number of intrusive doubly-linked lists over dense object ids: each object is in at most
 * one list at a time, with O(1) insertion at either end, removal and move, and no allocation after
 * construction (two int arrays and a byte array per object). The building block of the queue-based
 * policies (FIFO, SIEVE, S3-FIFO, ARC, the Cold-RL baselines).
 *
 * <p>Orientation: {@link #first} is the newest end (where {@link #addFirst} inserts), {@link #last}
 * the oldest; {@link #newer} walks toward the first, {@link #older} toward the last.
 *
 * <p>Not thread-safe; one instance per policy instance.
 */
public final class ObjectLists {

    /** The list of an object that is in none. */
    public static final int NONE = -1;

    private final int[] newer;
    private final int[] older;
    private final byte[] list;
    private final int[] first;
    private final int[] last;
    private final int[] sizes;

    /**
     * @param objects number of object ids ({@code CacheView.objectCount()})
     * @param lists   number of lists, 1 to 127
     */
    public ObjectLists(int objects, int lists) {
        if (lists < 1 || lists > 127) {
            throw new IllegalArgumentException("lists must be in [1, 127], got " + lists);
        }
        newer = new int[objects];
        older = new int[objects];
        list = new byte[objects];
        Arrays.fill(list, (byte) NONE);
        first = new int[lists];
        last = new int[lists];
        sizes = new int[lists];
        Arrays.fill(first, -1);
        Arrays.fill(last, -1);
    }

    /** The list the object is in, or {@link #NONE}. */
    public int listOf(int object) {
        return list[object];
    }

    public boolean contains(int list, int object) {
        return this.list[object] == list;
    }

    /** Number of objects in the list. */
    public int size(int list) {
        return sizes[list];
    }

    public boolean isEmpty(int list) {
        return sizes[list] == 0;
    }

    /** The newest object of the list, or -1. */
    public int first(int list) {
        return first[list];
    }

    /** The oldest object of the list, or -1. */
    public int last(int list) {
        return last[list];
    }

    /** The next object toward the newest end, or -1. */
    public int newer(int object) {
        return newer[object];
    }

    /** The next object toward the oldest end, or -1. */
    public int older(int object) {
        return older[object];
    }

    /** Inserts at the newest end; the object must be in no list. */
    public void addFirst(int list, int object) {
        if (this.list[object] != NONE) {
            throw new IllegalStateException("object " + object + " is already in list " + this.list[object]);
        }
        this.list[object] = (byte) list;
        older[object] = first[list];
        newer[object] = -1;
        if (first[list] >= 0) {
            newer[first[list]] = object;
        } else {
            last[list] = object;
        }
        first[list] = object;
        sizes[list]++;
    }

    /** Removes the object from its list; returns the list it was in, or {@link #NONE}. */
    public int remove(int object) {
        int l = list[object];
        if (l == NONE) {
            return NONE;
        }
        int a = newer[object];
        int b = older[object];
        if (a >= 0) {
            older[a] = b;
        } else {
            first[l] = b;
        }
        if (b >= 0) {
            newer[b] = a;
        } else {
            last[l] = a;
        }
        list[object] = (byte) NONE;
        sizes[l]--;
        return l;
    }

    /** Moves the object (in any list or none) to the newest end of {@code list}. */
    public void moveToFirst(int list, int object) {
        remove(object);
        addFirst(list, object);
    }
}
