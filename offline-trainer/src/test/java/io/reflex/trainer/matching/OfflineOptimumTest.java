package io.reflex.trainer.matching;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** JGraphT's maximum-weight matching, with capacities by replication, is the exact optimum. */
class OfflineOptimumTest {

    @Test
    void prefersTheHeavierMatchingOverTheGreedyOne() {
        // Greedy would give item 0 to node 0 (3) and leave item 1 (only node 0, 10) unmatched.
        MatchingInstance instance = new MatchingInstance(new double[][] {{3, 2}, {10, 0}});

        assertEquals(12, OfflineOptimum.of(instance, new int[] {1, 1}), 1e-12);
        assertEquals(13, OfflineOptimum.of(instance, new int[] {2, 1}), 1e-12);
    }

    @Test
    void equalsTheBestOfEveryAssignmentOnSmallInstances() {
        PropertyCheck.tries(150).forAll(
                g -> new SmallInstanceCase(g.anyLong(), g.ints(1, 4), g.ints(1, 6), g.ints(1, 2)),
                SmallInstanceCase::check);
    }

    /** A seeded instance with 60% of its edges present, every node of this capacity. */
    private record SmallInstanceCase(long seed, int offline, int online, int capacity) {
        void check() {
            SplittableRandom random = new SplittableRandom(seed);
            double[][] w = new double[online][offline];
            for (double[] row : w) {
                for (int u = 0; u < offline; u++) {
                    row[u] = random.nextDouble() < 0.6 ? Math.round(random.nextDouble() * 100) / 10.0 : 0;
                }
            }
            int[] capacities = new int[offline];
            java.util.Arrays.fill(capacities, capacity);

            double exact = OfflineOptimum.of(new MatchingInstance(w), capacities);

            assertEquals(bruteForce(w, capacities, 0, new int[offline]), exact, 1e-9);
        }
    }

    private static double bruteForce(double[][] w, int[] capacities, int item, int[] used) {
        if (item == w.length) {
            return 0;
        }
        double best = bruteForce(w, capacities, item + 1, used);
        for (int u = 0; u < capacities.length; u++) {
            if (w[item][u] > 0 && used[u] < capacities[u]) {
                used[u]++;
                best = Math.max(best, w[item][u] + bruteForce(w, capacities, item + 1, used));
                used[u]--;
            }
        }
        return best;
    }
}
