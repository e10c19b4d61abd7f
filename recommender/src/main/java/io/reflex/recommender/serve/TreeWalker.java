package io.reflex.recommender.serve;

import io.reflex.engine.explore.SoftmaxSelector;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.SessionMask;
import io.reflex.recommender.tree.ItemTree;

/**
 * One root-to-leaf walk through an {@link ItemTree}: at each level it fills the node's child rows,
 * asks a {@link LevelScorer} for their scores, masks children without an available leaf, and picks
 * one — greedily (highest score) or by sampling the softmax ({@link SoftmaxSelector}, which returns the
 * propensity). The propensity of the whole decision is the product of the levels'.
 *
 * <p>Not thread-safe: one per deciding thread. Holds one row buffer per level (kept after the walk,
 * for the trainer's gradients); a walk allocates nothing.
 */
public final class TreeWalker {

    /** Scores the rows of one level. */
    @FunctionalInterface
    public interface LevelScorer {
        /** Writes {@code branching} scores for {@code branching × width} rows of level {@code level}. */
        void score(int level, float[] rows, float[] scores);
    }

    private final ItemTree tree;
    private final float[][] rows;
    private final float[][] scores;
    private final boolean[][] available;
    private final int[] chosen;
    private final int[] childCount;
    private final float[] masked;
    private final SoftmaxSelector selector;
    private double propensity;

    /**
     * @param selector null for greedy walks, else the sampler (its temperature applies to every level)
     */
    public TreeWalker(ItemTree tree, SoftmaxSelector selector) {
        this.tree = tree;
        int c = tree.branching();
        int width = ChildRows.width(tree.catalog().dims());
        this.rows = new float[tree.depth()][c * width];
        this.scores = new float[tree.depth()][c];
        this.available = new boolean[tree.depth()][c];
        this.chosen = new int[tree.depth()];
        this.childCount = new int[tree.depth()];
        this.masked = new float[c];
        this.selector = selector;
    }

    /**
     * Walks from the root and returns the chosen leaf position (not yet marked taken).
     *
     * @param state the encoded user state
     * @throws IllegalStateException when every item was already taken
     */
    public int walk(float[] state, SessionMask mask, LevelScorer scorer) {
        if (mask.available(0, 0) <= 0) {
            throw new IllegalStateException("every item of the catalog was already recommended in this session");
        }
        int node = 0;
        propensity = 1;
        for (int level = 0; level < tree.depth(); level++) {
            int n = ChildRows.fill(tree, level, node, state, mask, rows[level], available[level]);
            scorer.score(level, rows[level], scores[level]);
            int pick = choose(scores[level], available[level], n);
            chosen[level] = pick;
            childCount[level] = n;
            node = tree.firstChild(level, node) + pick;
        }
        return node;
    }

    private int choose(float[] s, boolean[] avail, int n) {
        if (selector == null) {
            int best = -1;
            for (int j = 0; j < n; j++) {
                if (avail[j] && (best < 0 || s[j] > s[best])) {
                    best = j;
                }
            }
            return best;
        }
        for (int j = 0; j < n; j++) {
            masked[j] = avail[j] ? s[j] : Float.NEGATIVE_INFINITY;
        }
        int pick = selector.choose(masked, 0, n);
        if (!avail[pick]) {
            // Rounding at the end of the cumulative sum can land on a masked last slot: take the best.
            pick = -1;
            for (int j = 0; j < n; j++) {
                if (avail[j] && (pick < 0 || s[j] > s[pick])) {
                    pick = j;
                }
            }
            propensity *= selector.probabilityOf(masked, 0, n, pick);
            return pick;
        }
        propensity *= selector.probability();
        return pick;
    }

    /** Probability of the last walk's leaf under the sampler (1 for a greedy walk). */
    public double propensity() {
        return propensity;
    }

    /** The rows of level {@code level} in the last walk (a view). */
    public float[] rows(int level) {
        return rows[level];
    }

    /** The scores of level {@code level} in the last walk (a view). */
    public float[] scores(int level) {
        return scores[level];
    }

    /** Availability flags of level {@code level}'s children in the last walk (a view). */
    public boolean[] available(int level) {
        return available[level];
    }

    /** The child index chosen at {@code level} in the last walk. */
    public int chosen(int level) {
        return chosen[level];
    }

    /** The number of children at {@code level} in the last walk. */
    public int childCount(int level) {
        return childCount[level];
    }
}
