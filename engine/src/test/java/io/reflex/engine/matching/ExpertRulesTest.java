package io.reflex.engine.matching;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each classical expert chooses. */
class ExpertRulesTest {

    @Test
    void greedyTakesTheHeaviestEdgeWithRoomAndTheLowerIndexOnATie() {
        OfflineNodes nodes = OfflineNodes.uniform(4, 10);
        MatchingState state = new MatchingState(nodes);
        state.record(2, new double[] {0, 0, 9, 0});

        assertEquals(1, ExpertRule.greedy().choose(new double[] {3, 5, 9, 5}, state), "node 2 is full");
        assertEquals(MatchingState.SKIP, ExpertRule.greedy().choose(new double[] {0, 0, 9, 0}, state));
    }

    @Test
    void balancePrefersALessUsedNodeOverASlightlyHeavierFullerOne() {
        OfflineNodes nodes = OfflineNodes.builder(2).uniformCapacity(4).uniformWeightBound(10).build();
        MatchingState state = new MatchingState(nodes);
        for (int i = 0; i < 3; i++) {
            state.record(0, new double[] {1, 0});
        }
        // Node 0 is 3/4 full: 5 * (1 - e^(-1/4)) = 1.11 < 4 * (1 - e^(-1)) = 2.53.
        assertEquals(1, ExpertRule.balance().choose(new double[] {5, 4}, state));
        assertEquals(0, ExpertRule.greedy().choose(new double[] {5, 4}, state));
    }

    /** A seed and an instance size. */
    private record Sizes(long seed, int offline, int online) {
    }

    @Test
    void balanceChoosesAsGreedyDoesAtUnitCapacity() {
        PropertyCheck.tries(200).forAll(g -> new Sizes(g.anyLong(), g.ints(1, 10), g.ints(1, 30)), in -> {
            TestInstances.Instance instance = TestInstances.random(in.seed(), in.offline(), in.online(), 1, 0.6, false);
            MatchingState greedy = new MatchingState(instance.nodes());
            MatchingState balance = new MatchingState(instance.nodes());
            for (double[] w : instance.arrivals()) {
                int g = ExpertRule.greedy().choose(w, greedy);
                assertEquals(g, ExpertRule.balance().choose(w, balance));
                greedy.record(g, w);
                balance.record(g, w);
            }
        });
    }

    @Test
    void thresholdGreedySkipsEdgesBelowItsFractionOfTheBound() {
        OfflineNodes nodes = OfflineNodes.builder(2).weightBounds(10, 2).build();
        MatchingState state = new MatchingState(nodes);
        ExpertRule rule = ExpertRule.thresholdGreedy(0.5);

        assertEquals(1, rule.choose(new double[] {4, 1}, state), "4 < 5 = 0.5 * 10, but 1 >= 0.5 * 2");
        assertEquals(MatchingState.SKIP, rule.choose(new double[] {4, 0.9}, state));
        assertEquals(0, rule.choose(new double[] {6, 2}, state));
        assertThrows(IllegalArgumentException.class, () -> ExpertRule.thresholdGreedy(1.5));
    }

    @Test
    void everyExpertOnlyChoosesNodesTheItemCanBeMatchedTo() {
        PropertyCheck.tries(200).forAll(g -> new Sizes(g.anyLong(), g.ints(1, 8), g.ints(1, 30)), in -> {
            TestInstances.Instance instance = TestInstances.random(in.seed(), in.offline(), in.online(), 3, 0.5, true);
            for (String name : ExpertRule.NAMES) {
                ExpertRule rule = ExpertRule.byName(name);
                MatchingState state = new MatchingState(instance.nodes());
                for (double[] w : instance.arrivals()) {
                    int choice = rule.choose(w, state);
                    assertTrue(choice == MatchingState.SKIP || state.canMatch(choice, w), name + " chose " + choice);
                    state.record(choice, w);
                }
                for (int u = 0; u < in.offline(); u++) {
                    assertTrue(state.used(u) <= instance.nodes().capacity(u));
                }
            }
        });
    }
}
