package io.reflex.recommender;

import io.reflex.engine.testing.PropertyCheck;
import io.reflex.recommender.state.ChildRows;
import io.reflex.recommender.state.SessionMask;
import io.reflex.recommender.state.UserStateEncoder;
import io.reflex.recommender.tree.ItemCatalog;
import io.reflex.recommender.tree.ItemTree;
import io.reflex.recommender.tree.TreeBuilder;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An internal child's row describes the items a session can still get below it: its vector and
 * popularity are the means over the child's untaken items, and it is available exactly while one is
 * left. (With the mean over all items, a node whose best items were taken kept its score.) The
 * dimensions cover the vector-lane paths (8) and the scalar ones.
 */
class AvailableMeanRowsTest {

    @Test
    void internalChildRowsAreTheMeansOfTheirUntakenItems() {
        PropertyCheck.tries(60).forAll(
                g -> new InternalRowsCase(g.ints(1, 9), g.ints(8, 400), g.ints(2, 3), g.ints(0, 100), g.longs(0, 1000)),
                InternalRowsCase::check);
    }

    /** A seeded catalog and tree, with about {@code takenPercent} of the items taken. */
    private record InternalRowsCase(int dims, int items, int depth, int takenPercent, long seed) {
        void check() {
            ItemCatalog catalog = TreeAndMaskPropertiesTest.randomCatalog(items, dims, seed);
            ItemTree tree = TreeBuilder.builder().depth(depth).seed(seed).build().build(catalog);
            SessionMask mask = new SessionMask(tree);
            SplittableRandom rnd = new SplittableRandom(seed);
            boolean[] takenPosition = new boolean[items];
            for (int p = 0; p < items; p++) {
                if (rnd.nextInt(100) < takenPercent) {
                    mask.take(p);
                    takenPosition[p] = true;
                }
            }
            float[] state = new float[UserStateEncoder.width(dims)];
            for (int d = 0; d < dims; d++) {
                state[d] = (float) (rnd.nextDouble() * 2 - 1);
            }
            int width = ChildRows.width(dims);
            int vectorAt = UserStateEncoder.width(dims);
            float[] rows = new float[tree.branching() * width];
            boolean[] available = new boolean[tree.branching()];
            // Every node whose children are internal nodes: levels 0 .. depth-2.
            for (int level = 0; level <= depth - 2; level++) {
                for (int node = 0; node < tree.nodes(level); node++) {
                    int n = ChildRows.fill(tree, level, node, state, mask, rows, available);
                    for (int j = 0; j < n; j++) {
                        int child = tree.firstChild(level, node) + j;
                        double[] mean = new double[dims + 1];
                        int left = 0;
                        for (int p = tree.leafStart(level + 1, child); p < tree.leafStart(level + 1, child + 1); p++) {
                            if (!takenPosition[p]) {
                                int item = tree.itemAt(p);
                                for (int d = 0; d < dims; d++) {
                                    mean[d] += catalog.vectors()[item * dims + d];
                                }
                                mean[dims] += catalog.popularity()[item];
                                left++;
                            }
                        }
                        assertEquals(left > 0, available[j], "availability of child " + child + " at level " + (level + 1));
                        if (left == 0) {
                            continue;
                        }
                        for (int d = 0; d < dims; d++) {
                            float expected = (float) (mean[d] / left);
                            assertEquals(expected, rows[j * width + vectorAt + d], 1e-4f, "vector component " + d);
                            assertEquals(expected * state[d], rows[j * width + vectorAt + dims + d], 1e-4f, "product " + d);
                        }
                        assertEquals((float) (mean[dims] / left), rows[j * width + ChildRows.popularityColumn(dims)], 1e-4f,
                                "popularity");
                    }
                }
            }
        }
    }

    @Test
    void leafRowsCarryTheStateTheItemAndTheirProductAndATakenLeafIsMasked() {
        PropertyCheck.tries(40).forAll(
                g -> new LeafRowsCase(g.ints(1, 9), g.ints(4, 200), g.longs(0, 1000)),
                LeafRowsCase::check);
    }

    /** A seeded catalog and depth-2 tree, with about half of the items taken. */
    private record LeafRowsCase(int dims, int items, long seed) {
        void check() {
            ItemCatalog catalog = TreeAndMaskPropertiesTest.randomCatalog(items, dims, seed);
            ItemTree tree = TreeBuilder.builder().depth(2).seed(seed).build().build(catalog);
            SessionMask mask = new SessionMask(tree);
            SplittableRandom rnd = new SplittableRandom(seed);
            boolean[] takenPosition = new boolean[items];
            for (int p = 0; p < items; p++) {
                if (rnd.nextBoolean()) {
                    mask.take(p);
                    takenPosition[p] = true;
                }
            }
            int stateWidth = UserStateEncoder.width(dims);
            float[] state = new float[stateWidth];
            for (int i = 0; i < stateWidth; i++) {
                state[i] = (float) (rnd.nextDouble() * 2 - 1);
            }
            int width = ChildRows.width(dims);
            float[] rows = new float[tree.branching() * width];
            boolean[] available = new boolean[tree.branching()];
            for (int node = 0; node < tree.nodes(1); node++) {
                int n = ChildRows.fill(tree, 1, node, state, mask, rows, available);
                for (int j = 0; j < tree.branching(); j++) {
                    for (int i = 0; i < stateWidth; i++) {
                        assertEquals(state[i], rows[j * width + i], "every row, padding included, carries the state");
                    }
                }
                for (int j = 0; j < n; j++) {
                    int position = tree.firstChild(1, node) + j;
                    int item = tree.itemAt(position);
                    assertEquals(!takenPosition[position], available[j]);
                    for (int d = 0; d < dims; d++) {
                        float x = catalog.vectors()[item * dims + d];
                        assertEquals(x, rows[j * width + stateWidth + d]);
                        assertEquals(x * state[d], rows[j * width + stateWidth + dims + d]);
                    }
                    assertEquals(catalog.popularity()[item], rows[j * width + ChildRows.popularityColumn(dims)]);
                }
            }
        }
    }
}
