/**
 * The item tree a TPGR walk descends. {@link io.reflex.recommender.tree.MatrixFactorization} fits item
 * vectors to the training users' ratings (alternating least squares with biases) into an
 * {@link io.reflex.recommender.tree.ItemCatalog}; {@link io.reflex.recommender.tree.TreeBuilder} splits
 * the catalog level by level ({@link io.reflex.recommender.tree.SplitMethod}: PCA or balanced k-means,
 * optionally weighing popularity) into a balanced {@link io.reflex.recommender.tree.ItemTree}, whose
 * nodes cover contiguous ranges of leaf positions and carry the mean embedding and popularity of their
 * items.
 *
 * <p>Threading: catalogs and trees are immutable and may be shared (a catalog owns its arrays without
 * copying them: do not modify them after construction); reading a tree allocates nothing. Fitting and
 * building are single-threaded and deterministic for a seed.
 */
package io.reflex.recommender.tree;
