package io.reflex.recommender;

import io.reflex.engine.explore.SoftmaxSelector;
import io.reflex.engine.testing.PropertyCheck;
import io.reflex.recommender.serve.TreeWalker;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.SessionMask;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.tree.ItemCatalog;
import io.reflex.recommender.tree.ItemTree;
import io.reflex.recommender.tree.SplitMethod;
import io.reflex.recommender.tree.TreeBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tree is balanced and covers every item once; masking never repeats an item in a session. */
class TreeAndMaskPropertiesTest {

    static ItemCatalog randomCatalog(int items, int dims, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        long[] ids = new long[items];
        float[] vectors = new float[items * dims];
        float[] biases = new float[items];
        float[] pop = new float[items];
        for (int i = 0; i < items; i++) {
            ids[i] = 1000L + i;
            pop[i] = (float) rnd.nextDouble();
        }
        for (int k = 0; k < vectors.length; k++) {
            vectors[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return new ItemCatalog(ids, dims, vectors, biases, 3f, pop);
    }

    @Test
    void treeIsBalancedAndCoversEveryItemExactlyOnce() {
        PropertyCheck.tries(40).forAll(
                g -> new TreeCase(g.ints(1, 600), g.ints(1, 3), g.bool(), g.longs(0, 1000)),
                TreeCase::check);
    }

    /** A tree of {@code depth} over a seeded catalog, split by balanced k-means or PCA. */
    private record TreeCase(int items, int depth, boolean kmeans, long seed) {
        void check() {
            ItemTree tree = TreeBuilder.builder().depth(depth).method(kmeans ? SplitMethod.BALANCED_KMEANS : SplitMethod.PCA)
                    .seed(seed).build().build(randomCatalog(items, 4, seed));
            Set<Integer> seen = new HashSet<>();
            for (int p = 0; p < items; p++) {
                assertTrue(seen.add(tree.itemAt(p)), "item repeated in the leaf order");
            }
            assertEquals(items, seen.size());
            for (int level = 0; level <= depth; level++) {
                int min = Integer.MAX_VALUE;
                int max = 0;
                int covered = 0;
                for (int k = 0; k < tree.nodes(level); k++) {
                    min = Math.min(min, tree.size(level, k));
                    max = Math.max(max, tree.size(level, k));
                    covered += tree.size(level, k);
                    if (level < depth) {
                        int n = tree.children(level, k);
                        assertTrue(n >= 1 && n <= tree.branching());
                        assertEquals(tree.leafStart(level, k), tree.leafStart(level + 1, tree.firstChild(level, k)));
                    }
                }
                assertEquals(items, covered, "level " + level + " must cover every leaf");
                assertTrue(max - min <= 1, "level " + level + " sizes differ by " + (max - min));
            }
        }
    }

    @Test
    void maskingNeverRepeatsAnItemWithinASession() {
        PropertyCheck.tries(30).forAll(
                g -> new SessionCase(g.ints(1, 300), g.ints(1, 3), g.longs(0, 1000)),
                SessionCase::check);
    }

    /** A tree of {@code depth} over a seeded catalog, walked by a seeded arbitrary policy. */
    private record SessionCase(int items, int depth, long seed) {
        void check() {
            ItemTree tree = TreeBuilder.builder().depth(depth).seed(seed).build().build(randomCatalog(items, 3, seed));
            SessionMask mask = new SessionMask(tree);
            TreeWalker walker = new TreeWalker(tree, new SoftmaxSelector(1.0, seed));
            SplittableRandom rnd = new SplittableRandom(seed);
            float[] state = new float[UserStateEncoder.width(3)];
            Set<Integer> recommended = new HashSet<>();
            for (int step = 0; step < items; step++) {
                int position = walker.walk(state, mask, (level, rows, scores) -> {
                    for (int j = 0; j < scores.length; j++) {
                        scores[j] = (float) (rnd.nextDouble() * 6 - 3);   // an arbitrary policy
                    }
                });
                mask.take(position);
                assertTrue(recommended.add(tree.itemAt(position)), "item recommended twice at step " + step);
            }
            assertEquals(items, recommended.size());
            assertThrows(IllegalStateException.class, () -> walker.walk(state, mask, (l, r, s) -> { }));
        }
    }

    @Test
    void childRowsCarryTheChildEmbeddingAndThePredictedRewardProduct() {
        PropertyCheck.tries(20).forAll(g -> g.longs(0, 100), seed -> {
            ItemTree tree = TreeBuilder.builder().depth(2).seed(seed).build().build(randomCatalog(50, 3, seed));
            float[] state = new float[UserStateEncoder.width(3)];
            state[0] = 0.5f;
            state[1] = -1f;
            state[2] = 2f;
            int width = ChildRows.width(3);
            float[] rows = new float[tree.branching() * width];
            boolean[] available = new boolean[tree.branching()];
            int n = ChildRows.fill(tree, 1, 0, state, new SessionMask(tree), rows, available);
            for (int j = 0; j < n; j++) {
                int item = tree.itemAt(tree.firstChild(1, 0) + j);
                float dot = tree.catalog().dot(item, state);
                float sum = 0;
                for (int d = 0; d < 3; d++) {
                    sum += rows[j * width + UserStateEncoder.width(3) + 3 + d];
                }
                assertEquals(dot, sum, 1e-5f);
                assertEquals(tree.catalog().popularity()[item], rows[j * width + ChildRows.popularityColumn(3)]);
                assertTrue(available[j]);
            }
        });
    }
}
