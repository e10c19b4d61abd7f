package io.reflex.engine.matching;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rows the learned scorer sees. */
class CandidateFeaturesTest {

    private static final float EPS = 1e-6f;

    @Test
    void writesOneRowPerEligibleNodeInOrderThenTheSkipRow() {
        OfflineNodes nodes = OfflineNodes.builder(4).capacities(1, 2, 1, 1).uniformWeightBound(4).build();
        MatchingState state = new MatchingState(nodes);
        ArrivalHistory history = new ArrivalHistory(4);
        double[] first = {2, 4, 0, 1};
        history.observe(first);
        state.record(3, first);
        CandidateFeatures features = new CandidateFeatures(nodes, 10, 4);
        int[] candidates = new int[features.maxRows()];
        float[] rows = new float[features.maxRows() * CandidateFeatures.COUNT];

        int count = features.write(new double[] {1, 2, 3, 4}, state, history, candidates, rows);

        assertEquals(4, count, "node 3 is full");
        assertArrayEquals(new int[] {0, 1, 2, MatchingState.SKIP}, java.util.Arrays.copyOf(candidates, 4));
        // Node 1's row.
        int o = CandidateFeatures.COUNT;
        assertEquals(2 / 4f, rows[o], EPS);                       // weight / S
        assertEquals(1f, rows[o + 1], EPS);                       // free capacity fraction
        assertEquals(2.5f / 4, rows[o + 2], EPS);                 // arrival mean weight / S
        assertEquals(1f, rows[o + 3], EPS);                       // past mean 4 / S
        assertEquals(0f, rows[o + 4], EPS);                       // one past edge: no variance
        assertEquals(1f, rows[o + 5], EPS);                       // 1 of 1 past items had an edge
        assertEquals(0.1f, rows[o + 6], EPS);                     // progress 1 / 10
        assertEquals(1f / (4 * 5), rows[o + 7], EPS);             // reward 1 / (S * total capacity 5)
        assertEquals(0.25f, rows[o + 8], EPS);                    // matched mean 1 / S
        assertEquals(0f, rows[o + 10], EPS);                      // no skips
        assertEquals(0.2f, rows[o + 13], EPS);                    // 1 of 5 capacity used
        assertEquals(1f, rows[o + 14], EPS);                      // the item has edges to all 4 nodes
        assertEquals(0f, rows[o + 15], EPS);
        // Node 2 never had an edge before.
        assertEquals(0f, rows[2 * CandidateFeatures.COUNT + 5], EPS);
        // The skip row.
        int s = 3 * CandidateFeatures.COUNT;
        assertEquals(0f, rows[s], EPS);
        assertEquals(1f, rows[s + 5], EPS);
        assertEquals(1f, rows[s + 15], EPS);
        assertEquals(rows[o + 6], rows[s + 6], EPS);
    }

    @Test
    void perCandidateColumnsAreExactlyTheHistoryFormulasWhateverTheScale() {
        // write() divides by the scale with a multiplication when the scale is a power of two and
        // reads the history's sums itself; the floats must still be those of the plain formulas.
        for (double bound : new double[] {1, 0.25, 1024, 3.7, 0.1, 1e-300}) {
            OfflineNodes nodes = OfflineNodes.builder(5).uniformCapacity(3).uniformWeightBound(bound).build();
            MatchingState state = new MatchingState(nodes);
            ArrivalHistory history = new ArrivalHistory(5);
            java.util.SplittableRandom random = new java.util.SplittableRandom(11);
            for (int t = 0; t < 7; t++) {
                double[] w = new double[5];
                for (int u = 0; u < 5; u++) {
                    w[u] = random.nextDouble() < 0.7 ? bound * random.nextDouble() : 0;
                }
                history.observe(w);
            }
            double[] item = {bound * 0.3, bound * 0.9, 0, bound / 3, bound};
            CandidateFeatures features = new CandidateFeatures(nodes, 10, 5);
            int[] candidates = new int[features.maxRows()];
            float[] rows = new float[features.maxRows() * CandidateFeatures.COUNT];
            int count = features.write(item, state, history, candidates, rows);
            double scale = nodes.maxWeightBound();
            for (int r = 0; r < count - 1; r++) {
                int u = candidates[r];
                int o = r * CandidateFeatures.COUNT;
                assertEquals((float) (item[u] / scale), rows[o], "weight, bound " + bound);
                assertEquals((float) (history.meanWeight(u) / scale), rows[o + 3], "past mean, bound " + bound);
                assertEquals((float) (history.weightVariance(u) / (scale * scale)), rows[o + 4],
                        "past variance, bound " + bound);
                assertEquals((float) history.degreeRatio(u), rows[o + 5], "past degree, bound " + bound);
            }
        }
    }

    @Test
    void onlyPowersOfTwoWithANormalReciprocalHaveAnExactOne() {
        assertEquals(1.0, CandidateFeatures.exactReciprocal(1.0));
        assertEquals(0.125, CandidateFeatures.exactReciprocal(8.0));
        assertEquals(1024.0, CandidateFeatures.exactReciprocal(1.0 / 1024));
        assertEquals(Double.NaN, CandidateFeatures.exactReciprocal(3.0));
        assertEquals(Double.NaN, CandidateFeatures.exactReciprocal(0.1));
        assertEquals(Double.NaN, CandidateFeatures.exactReciprocal(Math.scalb(1.0, 1023)), "reciprocal is subnormal");
        assertEquals(Double.NaN, CandidateFeatures.exactReciprocal(Double.MIN_VALUE));
        assertEquals(Double.NaN, CandidateFeatures.exactReciprocal(Double.POSITIVE_INFINITY));
    }

    @Test
    void aCandidateLimitKeepsTheHeaviestEligibleNodesInIndexOrder() {
        OfflineNodes nodes = OfflineNodes.uniform(6, 10);
        MatchingState state = new MatchingState(nodes);
        state.record(4, new double[] {0, 0, 0, 0, 1, 0});
        CandidateFeatures features = new CandidateFeatures(nodes, 10, 3);
        int[] candidates = new int[features.maxRows()];
        float[] rows = new float[features.maxRows() * CandidateFeatures.COUNT];

        int count = features.write(new double[] {5, 1, 7, 5, 9, 2}, state, new ArrivalHistory(6), candidates, rows);

        assertEquals(4, count);
        assertArrayEquals(new int[] {0, 2, 3, MatchingState.SKIP}, java.util.Arrays.copyOf(candidates, 4),
                "node 4 is full; of the rest 7, 5 and 5 (node 0 before node 3 on the tie)");
        assertEquals(0.7f, rows[CandidateFeatures.COUNT], EPS);
    }

    @Test
    void anItemWithoutEligibleNodesGetsOnlyTheSkipRow() {
        OfflineNodes nodes = OfflineNodes.uniform(3, 1);
        CandidateFeatures features = new CandidateFeatures(nodes, 5, 3);
        int[] candidates = new int[features.maxRows()];
        float[] rows = new float[features.maxRows() * CandidateFeatures.COUNT];

        assertEquals(1, features.write(new double[3], new MatchingState(nodes), new ArrivalHistory(3), candidates, rows));
        assertEquals(MatchingState.SKIP, candidates[0]);
    }

    @Test
    void refusesALimitOutsideTheNodeCount() {
        OfflineNodes nodes = OfflineNodes.uniform(3, 1);
        assertThrows(IllegalArgumentException.class, () -> new CandidateFeatures(nodes, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> new CandidateFeatures(nodes, 0, 3));
        assertEquals(CandidateFeatures.COUNT, CandidateFeatures.NAMES.size());
    }
}
