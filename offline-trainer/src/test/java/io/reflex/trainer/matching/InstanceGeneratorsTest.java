package io.reflex.trainer.matching;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every generator is seeded, deterministic, and produces the setting it describes. */
class InstanceGeneratorsTest {

    private static final List<InstanceGenerator> ALL = List.of(
            new ErdosRenyiGenerator(10, 60, 0.1),
            new BarabasiAlbertGenerator(10, 60, 3),
            new CoverageGainGenerator(10, 60, 2000),
            new SpatialGenerator(10, 60, 7));

    @Test
    void theSameSeedGivesTheSameInstancesAndAnotherSeedOthers() {
        for (InstanceGenerator g : ALL) {
            assertEquals(g.generate(5, 11), g.generate(5, 11), g.name());
            assertNotEquals(g.generate(5, 11), g.generate(5, 12), g.name());
            MatchingInstance first = g.generate(5, 11).getFirst();
            assertEquals(10, first.offline());
            assertEquals(60, first.online());
        }
    }

    @Test
    void erdosRenyiEdgesAppearAtTheirProbabilityWithWeightsInRange() {
        int edges = 0;
        for (MatchingInstance i : new ErdosRenyiGenerator(10, 60, 0.1).generate(50, 1)) {
            edges += i.edges();
            for (int t = 0; t < i.online(); t++) {
                for (double w : i.weights(t)) {
                    assertTrue(w == 0 || (w >= 0.05 && w <= 1));
                }
            }
        }
        assertEquals(0.1, edges / (50.0 * 600), 0.01);
    }

    @Test
    void barabasiAlbertConcentratesEdgesOnPopularNodes() {
        double skewSum = 0;
        for (MatchingInstance i : new BarabasiAlbertGenerator(10, 60, 3).generate(50, 1)) {
            int[] degree = new int[10];
            for (int t = 0; t < i.online(); t++) {
                for (int u = 0; u < 10; u++) {
                    if (i.weights(t)[u] > 0) {
                        degree[u]++;
                    }
                }
            }
            int max = java.util.Arrays.stream(degree).max().orElseThrow();
            double mean = java.util.Arrays.stream(degree).average().orElseThrow();
            skewSum += max / mean;
        }
        // Uniform attachment gives max/mean near 1.4 at these sizes; preferential attachment more.
        assertTrue(skewSum / 50 > 1.6, "max/mean degree " + skewSum / 50);
    }

    @Test
    void coverageGainUsersAlwaysHaveAnEdgeAndGainsAreCoverageWeights() {
        CoverageGainGenerator g = new CoverageGainGenerator(10, 60, 2000);
        assertTrue(g.eligibleUsers() > 10);
        for (MatchingInstance i : g.generate(20, 3)) {
            for (int t = 0; t < i.online(); t++) {
                double[] w = i.weights(t);
                assertTrue(java.util.Arrays.stream(w).anyMatch(x -> x > 0));
                for (double x : w) {
                    assertTrue(x >= 0 && x <= 4, "a movie has at most 4 genres, each preference at most 1: " + x);
                }
            }
        }
    }

    @Test
    void spatialTasksReachAWorkerWithinItsRadius() {
        int reached = 0;
        int tasks = 0;
        for (MatchingInstance i : new SpatialGenerator(10, 60, 7).generate(20, 3)) {
            for (int t = 0; t < i.online(); t++) {
                tasks++;
                if (java.util.Arrays.stream(i.weights(t)).anyMatch(x -> x > 0)) {
                    reached++;
                }
                for (double x : i.weights(t)) {
                    assertTrue(x >= 0 && x <= 1);
                }
            }
        }
        assertEquals(tasks, reached);
    }
}
