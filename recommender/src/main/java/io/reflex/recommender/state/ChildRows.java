package io.reflex.recommender.state;

import io.reflex.recommender.tree.ItemTree;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * The input rows of a level policy: one row per child slot of the node being expanded
 * ({@code branching} rows; padding rows hold the state and zeros), each
 * {@code [û ‖ statistics ‖ child vector ‖ û ⊙ child vector ‖ child popularity]}, so that one small MLP
 * per level scores every node's children (the node enters through its children's embeddings) and the
 * elementwise product lets a linear unit represent the predicted reward {@code û · v} exactly. The
 * popularity column ({@link #popularityColumn}) is what the popularity fallback reads.
 *
 * <p>An internal child's vector and popularity are the means over its <em>available</em> items (from
 * the tree's means and the mask's sums of taken items): with the mean over all items a node keeps its
 * score after the session took its best items, and a greedy walk keeps entering it for worse ones.
 * Below a node the session has not touched they are the tree's precomputed means.
 *
 * <p>Also fills the availability mask from a {@link SessionMask}. Stateless helpers; allocation-free.
 */
public final class ChildRows {

    /** Eight lanes: one item vector of the default (and the paper's) 8 dimensions. */
    private static final VectorSpecies<Float> EIGHT = FloatVector.SPECIES_256;
    private static final int LANES = 8;
    /** Whether the hardware has 8-float vectors; without them the lane paths would run emulated, slower than scalars. */
    private static final boolean EIGHT_NATIVE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= EIGHT.vectorBitSize();

    private ChildRows() {
    }

    /** Width of one row for item vectors of {@code dims}. */
    public static int width(int dims) {
        return UserStateEncoder.width(dims) + 2 * dims + 1;
    }

    /** The popularity column of a row. */
    public static int popularityColumn(int dims) {
        return width(dims) - 1;
    }

    /**
     * Fills {@code rows} (branching × width) for the children of node {@code node} at {@code level}
     * and {@code available} (branching flags: true where the child has an untaken leaf).
     *
     * @param state the encoder's output, {@link UserStateEncoder#width(int)} floats
     * @return the number of children
     */
    public static int fill(ItemTree tree, int level, int node, float[] state, SessionMask mask,
                           float[] rows, boolean[] available) {
        int dims = tree.catalog().dims();
        int width = width(dims);
        int stateWidth = UserStateEncoder.width(dims);
        int first = tree.firstChild(level, node);
        int n = tree.children(level, node);
        int childLevel = level + 1;
        // Below a node with nothing taken every child is available: no per-child lookups (the common case
        // past the root, since a session takes few items of a large catalog).
        boolean untouched = mask.takenBelow(level, node) == 0;
        boolean leaves = childLevel == tree.depth();
        boolean eight = EIGHT_NATIVE && dims == LANES;
        if (eight) {
            fill8(tree, childLevel, first, n, untouched, leaves, state, mask, rows, available);
        } else {
            fillRows(tree, childLevel, first, n, untouched, leaves, state, mask, rows, available);
        }
        int slots = tree.branching();
        if (n < slots) {
            // Padding rows carry the state too: the runtime folds the state columns once, from row 0,
            // on the promise that every row holds them. Their scores are never read (unavailable).
            Arrays.fill(rows, n * width, slots * width, 0f);
            for (int j = n; j < slots; j++) {
                System.arraycopy(state, 0, rows, j * width, stateWidth);
            }
            Arrays.fill(available, n, slots, false);
        }
        return n;
    }

    /**
     * {@link #fillRows} for 8-dimensional vectors: a row of a child with nothing taken is four 8-lane
     * stores and one scalar. The state copy, a variable-length {@code arraycopy} per row, was most of
     * the scalar loop's cost (one row per child, a hundred per level at a million items); the floats
     * are the same.
     */
    private static void fill8(ItemTree tree, int childLevel, int first, int n, boolean untouched, boolean leaves,
                              float[] state, SessionMask mask, float[] rows, boolean[] available) {
        int width = width(LANES);
        int stateWidth = UserStateEncoder.width(LANES);
        float[] vectors = tree.vectorArray(childLevel);
        // The state as two overlapping 8-lane vectors: columns [0, 8) and [stateWidth − 8, stateWidth).
        FloatVector head = FloatVector.fromArray(EIGHT, state, 0);
        FloatVector tail = FloatVector.fromArray(EIGHT, state, stateWidth - LANES);
        for (int j = 0; j < n; j++) {
            int child = first + j;
            int base = j * width;
            head.intoArray(rows, base);
            tail.intoArray(rows, base + stateWidth - LANES);
            int v = tree.vectorOffset(childLevel, child);
            // Below an untouched node every child is available: no per-child lookups.
            int slot = untouched ? -1 : mask.slot(childLevel, child);
            if (slot < 0 || leaves) {
                FloatVector x = FloatVector.fromArray(EIGHT, vectors, v);
                x.intoArray(rows, base + stateWidth);
                x.mul(head).intoArray(rows, base + stateWidth + LANES);
                rows[base + width - 1] = tree.popularity(childLevel, child);
                // A leaf with a slot was taken.
                available[j] = slot < 0;
            } else {
                available[j] = availableMean(tree, childLevel, child, slot, mask, state, rows, base, LANES);
            }
        }
    }

    private static void fillRows(ItemTree tree, int childLevel, int first, int n, boolean untouched, boolean leaves,
                                 float[] state, SessionMask mask, float[] rows, boolean[] available) {
        int dims = tree.catalog().dims();
        int width = width(dims);
        int stateWidth = UserStateEncoder.width(dims);
        float[] vectors = tree.vectorArray(childLevel);
        copyState(state, stateWidth, rows, width, n);
        for (int j = 0; j < n; j++) {
            int child = first + j;
            int base = j * width;
            int v = tree.vectorOffset(childLevel, child);
            int slot = untouched ? -1 : mask.slot(childLevel, child);
            if (slot < 0 || leaves) {
                for (int d = 0; d < dims; d++) {
                    float x = vectors[v + d];
                    rows[base + stateWidth + d] = x;
                    rows[base + stateWidth + dims + d] = x * state[d];
                }
                rows[base + width - 1] = tree.popularity(childLevel, child);
                // A leaf with a slot was taken.
                available[j] = slot < 0;
            } else {
                available[j] = availableMean(tree, childLevel, child, slot, mask, state, rows, base, dims);
            }
        }
    }

    /**
     * Writes the child's available-item mean (vector, product with the state, popularity) into the row
     * at {@code base}, from the tree's mean and the mask's sums of the taken items; returns whether
     * any item is left below it (a spent child is masked and its row is zeros).
     */
    private static boolean availableMean(ItemTree tree, int childLevel, int child, int slot, SessionMask mask,
                                         float[] state, float[] rows, int base, int dims) {
        float[] vectors = tree.vectorArray(childLevel);
        int v = tree.vectorOffset(childLevel, child);
        int stateWidth = UserStateEncoder.width(dims);
        int size = tree.size(childLevel, child);
        int left = size - mask.takenAt(slot);
        // Sum over all items minus the taken ones' sum, over the items left.
        float inv = left > 0 ? 1f / left : 0f;
        for (int d = 0; d < dims; d++) {
            float x = (vectors[v + d] * size - mask.takenSum(slot, d)) * inv;
            rows[base + stateWidth + d] = x;
            rows[base + stateWidth + dims + d] = x * state[d];
        }
        rows[base + width(dims) - 1] = (tree.popularity(childLevel, child) * size - mask.takenSum(slot, dims)) * inv;
        return left > 0;
    }

    /** The state into the first {@code stateWidth} columns of rows {@code [0, n)}. */
    private static void copyState(float[] state, int stateWidth, float[] rows, int width, int n) {
        if (!EIGHT_NATIVE || stateWidth < LANES || stateWidth > 2 * LANES) {
            for (int j = 0; j < n; j++) {
                System.arraycopy(state, 0, rows, j * width, stateWidth);
            }
            return;
        }
        // Two overlapping 8-lane stores per row instead of a variable-length arraycopy call.
        FloatVector head = FloatVector.fromArray(EIGHT, state, 0);
        FloatVector tail = FloatVector.fromArray(EIGHT, state, stateWidth - LANES);
        for (int j = 0; j < n; j++) {
            head.intoArray(rows, j * width);
            tail.intoArray(rows, j * width + stateWidth - LANES);
        }
    }
}
