package io.reflex.engine.eviction;

import java.util.Arrays;

/**
 * Resident ids in order of their last access, for the {@code reflex.candidates=lru} candidate set:
 * an intrusive doubly linked list over {@code [0, ids)} in two int arrays ({@code older[id]},
 * {@code newer[id]}, {@code -1} at the ends). An id joins at the newest end when it becomes resident
 * and moves there on each access; {@link #oldest(int, int[])} reads the K least recently used,
 * oldest first: the order the simulator's LRU list gives a model trained on {@code lru} candidates.
 *
 * <p>Not thread-safe: one writer, or external locking. Allocation-free after construction;
 * 8 bytes per id.
 */
public final class RecencyList {

    /** The end of the list. */
    public static final int NONE = -1;

    private final int[] older;
    private final int[] newer;
    private final boolean[] linked;
    private int oldest = NONE;
    private int newest = NONE;
    private int size;

    /**
     * An empty list over ids {@code [0, ids)}.
     *
     * @throws IllegalArgumentException if {@code ids < 1}
     */
    public RecencyList(int ids) {
        if (ids < 1) {
            throw new IllegalArgumentException("ids must be >= 1, got " + ids);
        }
        older = new int[ids];
        newer = new int[ids];
        linked = new boolean[ids];
        Arrays.fill(older, NONE);
        Arrays.fill(newer, NONE);
    }

    public int size() {
        return size;
    }

    /** Whether {@code id} is in the list. */
    public boolean contains(int id) {
        return linked[id];
    }

    /** The least recently used id, or {@link #NONE}. */
    public int oldest() {
        return oldest;
    }

    /** The id used just after {@code id}, or {@link #NONE}. */
    public int newer(int id) {
        return newer[id];
    }

    /**
     * {@code id} became resident: it is the most recently used.
     *
     * @throws IllegalArgumentException if it is in the list already
     */
    public void add(int id) {
        if (linked[id]) {
            throw new IllegalArgumentException("id " + id + " is already in the list");
        }
        linked[id] = true;
        size++;
        linkNewest(id);
    }

    /** {@code id} was accessed: it becomes the most recently used (nothing when it is not in the list). */
    public void touch(int id) {
        if (!linked[id] || id == newest) {
            return;
        }
        unlink(id);
        linkNewest(id);
    }

    /**
     * {@code id} left.
     *
     * @throws IllegalArgumentException if it is not in the list
     */
    public void remove(int id) {
        if (!linked[id]) {
            throw new IllegalArgumentException("id " + id + " is not in the list");
        }
        unlink(id);
        linked[id] = false;
        older[id] = NONE;
        newer[id] = NONE;
        size--;
    }

    /**
     * The {@code min(k, size())} least recently used ids into {@code out}, oldest first.
     *
     * @return how many
     */
    public int oldest(int k, int[] out) {
        int n = 0;
        for (int id = oldest; id != NONE && n < k; id = newer[id]) {
            out[n++] = id;
        }
        return n;
    }

    private void linkNewest(int id) {
        older[id] = newest;
        newer[id] = NONE;
        if (newest != NONE) {
            newer[newest] = id;
        } else {
            oldest = id;
        }
        newest = id;
    }

    private void unlink(int id) {
        int a = older[id];
        int b = newer[id];
        if (a != NONE) {
            newer[a] = b;
        } else {
            oldest = b;
        }
        if (b != NONE) {
            older[b] = a;
        } else {
            newest = a;
        }
    }
}
