package io.reflex.recommender.state;

import io.reflex.recommender.tree.ItemTree;

import java.util.Arrays;

/**
 * Which items a session has already been recommended, kept as per-node counts of taken leaves so
 * that a walk only enters children with an available leaf: a child is available when
 * {@code size(child) − taken(child) > 0}. Nothing repeats within a session, and the walk never
 * dead-ends while any item is left.
 *
 * <p>Beside each count the map keeps the sum of the taken items' vectors and popularities
 * ({@link #takenSum}), so that a node's embedding can be the mean of its <em>available</em> items: the
 * mean of all of them stays the same while a session exhausts the best of a node, and a greedy walk
 * would keep entering it.
 *
 * <p>The counts live in a small open-addressing hash map keyed by (level, node), sized by what the
 * session touched ({@code depth + 1} entries per recommendation), not by the catalog: a session over
 * a million items costs a few kilobytes. Not thread-safe: one per session. Allocates only when the
 * map grows.
 */
public final class SessionMask {

    private static final int INITIAL_SLOTS = 256;

    private final ItemTree tree;
    /** Floats per slot in {@link #sums}: the item vector's dims, then popularity. */
    private final int stride;
    private long[] keys;
    private int[] counts;
    private float[] sums;
    private int used;
    private int taken;

    public SessionMask(ItemTree tree) {
        this.tree = tree;
        this.stride = tree.catalog().dims() + 1;
        this.keys = new long[INITIAL_SLOTS];
        this.counts = new int[INITIAL_SLOTS];
        this.sums = new float[INITIAL_SLOTS * stride];
        Arrays.fill(keys, -1);
    }

    /** Forgets every taken item (a new session). */
    public void reset() {
        Arrays.fill(keys, -1);
        Arrays.fill(counts, 0);
        Arrays.fill(sums, 0f);
        used = 0;
        taken = 0;
    }

    /** Items taken so far. */
    public int taken() {
        return taken;
    }

    /** Leaves still available below node {@code node} at {@code level} (level = depth: a leaf position). */
    public int available(int level, int node) {
        return tree.size(level, node) - count(level, node);
    }

    /** Leaves already taken below node {@code node} at {@code level}. */
    public int takenBelow(int level, int node) {
        return taken == 0 ? 0 : count(level, node);
    }

    /**
     * The slot of node {@code node} at {@code level} when an item below it was taken, else −1 (then
     * nothing below it was taken). Valid until the next {@link #take}.
     */
    public int slot(int level, int node) {
        return taken == 0 ? -1 : find(key(level, node));
    }

    /** Items taken below the node of {@code slot} (from {@link #slot}). */
    public int takenAt(int slot) {
        return counts[slot];
    }

    /**
     * Sum over the items taken below the node of {@code slot} of their vector component
     * {@code column} ({@code < dims}) or, for {@code column = dims}, their popularity.
     */
    public float takenSum(int slot, int column) {
        return sums[slot * stride + column];
    }

    /** Whether the item at leaf position {@code position} was already taken. */
    public boolean isTaken(int position) {
        return count(tree.depth(), position) > 0;
    }

    /**
     * Marks the leaf at {@code position} taken, updating every ancestor's count.
     *
     * @throws IllegalStateException when it already was
     */
    public void take(int position) {
        if (isTaken(position)) {
            throw new IllegalStateException("leaf position " + position + " was already taken in this session");
        }
        int depth = tree.depth();
        increment(depth, position);
        float[] vectors = tree.vectorArray(depth);
        int vector = tree.vectorOffset(depth, position);
        float popularity = tree.popularity(depth, position);
        // Ancestors: find the node at each level whose leaf range holds the position.
        for (int level = depth - 1; level >= 0; level--) {
            int slot = increment(level, nodeAt(level, position));
            int at = slot * stride;
            for (int d = 0; d < stride - 1; d++) {
                sums[at + d] += vectors[vector + d];
            }
            sums[at + stride - 1] += popularity;
        }
        taken++;
    }

    private int nodeAt(int level, int position) {
        int lo = 0;
        int hi = tree.nodes(level) - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (tree.leafStart(level, mid) <= position) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static long key(int level, int node) {
        return ((long) level << 40) | node;
    }

    private int count(int level, int node) {
        int slot = find(key(level, node));
        return slot < 0 ? 0 : counts[slot];
    }

    /** The slot holding {@code key}, or −1 (linear probing from its hash to the first empty slot). */
    private int find(long key) {
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return i;
            }
            if (keys[i] == -1) {
                return -1;
            }
        }
    }

    /** Adds one to the node's count and returns its slot. */
    private int increment(int level, int node) {
        if ((used + 1) * 2 > keys.length) {
            grow();
        }
        long key = key(level, node);
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                counts[i]++;
                return i;
            }
            if (keys[i] == -1) {
                keys[i] = key;
                counts[i] = 1;
                used++;
                return i;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        float[] oldSums = sums;
        keys = new long[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        sums = new float[oldKeys.length * 2 * stride];
        Arrays.fill(keys, -1);
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != -1) {
                int i = hash(oldKeys[j]) & mask;
                while (keys[i] != -1) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                counts[i] = oldCounts[j];
                System.arraycopy(oldSums, j * stride, sums, i * stride, stride);
            }
        }
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
