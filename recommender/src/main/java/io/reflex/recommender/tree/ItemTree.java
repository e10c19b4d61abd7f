package io.reflex.recommender.tree;

/**
 * A balanced clustering tree over a catalog: every leaf is at depth {@link #depth()}, every internal
 * node has at most {@link #branching()} children, and at each level node sizes (leaves below) differ
 * by at most one. Recommending an item is a walk from the root choosing one child per level.
 *
 * <p>Layout: the items are permuted into leaf order ({@link #itemAt}), so every node covers a
 * contiguous range of leaf positions. Level {@code l} (0 = root) has {@link #nodes(int)} nodes; node
 * {@code k}'s leaf range is {@code [leafStart(l,k), leafStart(l,k+1))} and its children are the nodes
 * {@code [firstChild(l,k), firstChild(l,k+1))} of level {@code l+1} — at level {@code depth-1} those
 * are leaf positions. Nodes of levels 1..depth-1 carry an embedding (the mean of their items'
 * vectors) and a popularity feature (the mean of their items').
 *
 * <p>Immutable and thread-safe. Reading allocates nothing.
 */
public final class ItemTree {

    private final ItemCatalog catalog;
    private final int depth;
    private final int branching;
    private final int[] order;
    private final int[][] leafStart;
    private final int[][] firstChild;
    private final float[][] nodeVectors;
    private final float[][] nodePopularity;
    /** Item vectors and popularities in leaf order: a walk reads a node's children contiguously, not scattered. */
    private final float[] leafVectors;
    private final float[] leafPopularity;

    ItemTree(ItemCatalog catalog, int depth, int branching, int[] order, int[][] leafStart, int[][] firstChild) {
        this.catalog = catalog;
        this.depth = depth;
        this.branching = branching;
        this.order = order;
        this.leafStart = leafStart;
        this.firstChild = firstChild;
        int dims = catalog.dims();
        this.nodeVectors = new float[depth][];
        this.nodePopularity = new float[depth][];
        for (int l = 1; l < depth; l++) {
            int n = nodes(l);
            float[] v = new float[n * dims];
            float[] p = new float[n];
            for (int k = 0; k < n; k++) {
                int from = leafStart[l][k];
                int to = leafStart[l][k + 1];
                for (int pos = from; pos < to; pos++) {
                    int item = order[pos];
                    for (int d = 0; d < dims; d++) {
                        v[k * dims + d] += catalog.vectors()[item * dims + d];
                    }
                    p[k] += catalog.popularity()[item];
                }
                float inv = 1f / Math.max(1, to - from);
                for (int d = 0; d < dims; d++) {
                    v[k * dims + d] *= inv;
                }
                p[k] *= inv;
            }
            nodeVectors[l] = v;
            nodePopularity[l] = p;
        }
        int items = order.length;
        this.leafVectors = new float[items * dims];
        this.leafPopularity = new float[items];
        for (int pos = 0; pos < items; pos++) {
            System.arraycopy(catalog.vectors(), order[pos] * dims, leafVectors, pos * dims, dims);
            leafPopularity[pos] = catalog.popularity()[order[pos]];
        }
    }

    public ItemCatalog catalog() {
        return catalog;
    }

    /** Levels of choices from root to leaf. */
    public int depth() {
        return depth;
    }

    /** The most children a node has: the width of every level's policy. */
    public int branching() {
        return branching;
    }

    public int items() {
        return order.length;
    }

    /** Number of nodes at level {@code level} (0 = root, {@code depth} = leaves). */
    public int nodes(int level) {
        return level == depth ? order.length : leafStart[level].length - 1;
    }

    /** First leaf position of node {@code node} at {@code level}; {@code node = nodes(level)} gives the end. */
    public int leafStart(int level, int node) {
        return level == depth ? node : leafStart[level][node];
    }

    /** Leaves below node {@code node} at {@code level}. */
    public int size(int level, int node) {
        return leafStart(level, node + 1) - leafStart(level, node);
    }

    /** First child (a node of level+1) of node {@code node} at {@code level}; {@code node+1} gives the end. */
    public int firstChild(int level, int node) {
        return firstChild[level][node];
    }

    /** Number of children of node {@code node} at {@code level}. */
    public int children(int level, int node) {
        return firstChild[level][node + 1] - firstChild[level][node];
    }

    /** The catalog item at leaf position {@code position}. */
    public int itemAt(int position) {
        return order[position];
    }

    /**
     * The embedding of node {@code node} at {@code level} (1..depth; at depth, a leaf position's item
     * vector), as an array and offset.
     */
    public float[] vectorArray(int level) {
        return level == depth ? leafVectors : nodeVectors[level];
    }

    /** Offset of node {@code node}'s vector in {@link #vectorArray(int)}. */
    public int vectorOffset(int level, int node) {
        return node * catalog.dims();
    }

    /** Popularity feature of node {@code node} at {@code level} (1..depth). */
    public float popularity(int level, int node) {
        return level == depth ? leafPopularity[node] : nodePopularity[level][node];
    }

    /**
     * Bytes this tree and its catalog hold beyond the catalog's item vectors: leaf order, the leaf-ordered
     * copy of the item vectors and popularities, node ranges, node embeddings and popularities, and the
     * catalog's ids, biases and popularities (array payloads).
     */
    public long bytesBeyondItemVectors() {
        long bytes = 4L * order.length + 4L * leafVectors.length + 4L * leafPopularity.length;
        for (int l = 0; l < depth; l++) {
            bytes += 4L * leafStart[l].length + 4L * firstChild[l].length;
            if (nodeVectors[l] != null) {
                bytes += 4L * nodeVectors[l].length + 4L * nodePopularity[l].length;
            }
        }
        int n = catalog.items();
        bytes += 8L * n + 4L * n + 4L * n;
        return bytes;
    }
}
