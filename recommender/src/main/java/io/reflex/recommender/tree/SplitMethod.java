package io.reflex.recommender.tree;

/** How {@link TreeBuilder} cuts a node's items into equal-sized children. */
public enum SplitMethod {
    /** Project on the first principal component, sort, cut into contiguous chunks (TPGR's default). */
    PCA,
    /** Lloyd's k-means, then a capacity-constrained assignment so that chunk sizes differ by at most 1. */
    BALANCED_KMEANS
}
