package io.reflex.recommender.state;

import io.reflex.recommender.tree.ItemTree;

import java.util.Arrays;

/**
 * Which items a session has already been recommended, kept as per-node counts of taken leaves so
 * that a walk only enters children with an available leaf: a child is available when
 * {@code size(child) − taken(child) > 0}. Nothing repeats within a session, and the walk never
 * dead-ends while any item is left.
 *
 * <p>The counts live in a small open-addressing hash map keyed by (level, node), sized by what the
 * session touched ({@code depth + 1} entries per recommendation), not by the catalog: a session over
 * a million items costs a few hundred bytes. Not thread-safe: one per session. Allocates only when the
 * map grows.
 */
public final class SessionMask {

    private final ItemTree tree;
    private long[] keys;
    private int[] counts;
    private int used;
    private int taken;

    public SessionMask(ItemTree tree) {
        this.tree = tree;
        this.keys = new long[256];
        this.counts = new int[256];
        Arrays.fill(keys, -1);
    }

    /** Forgets every taken item (a new session). */
    public void reset() {
        Arrays.fill(keys, -1);
        Arrays.fill(counts, 0);
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
        // Ancestors: find the node at each level whose leaf range holds the position.
        for (int level = depth - 1; level >= 0; level--) {
            increment(level, nodeAt(level, position));
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

    private int count(int level, int node) {
        long key = ((long) level << 40) | node;
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return counts[i];
            }
            if (keys[i] == -1) {
                return 0;
            }
        }
    }

    private void increment(int level, int node) {
        if ((used + 1) * 2 > keys.length) {
            grow();
        }
        long key = ((long) level << 40) | node;
        int mask = keys.length - 1;
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                counts[i]++;
                return;
            }
            if (keys[i] == -1) {
                keys[i] = key;
                counts[i] = 1;
                used++;
                return;
            }
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
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
            }
        }
    }

    private static int hash(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
