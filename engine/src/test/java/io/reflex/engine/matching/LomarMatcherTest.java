package io.reflex.engine.matching;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The matcher's decisions, branches and bookkeeping on small hand-made sequences. */
class LomarMatcherTest {

    /** Prefers skip above everything. */
    private static final CandidateScorer ALWAYS_SKIP = (rows, candidates, features, scores) -> {
        for (int r = 0; r < rows; r++) {
            scores[r] = candidates[r] == MatchingState.SKIP ? 1 : 0;
        }
    };

    /** Prefers the given node above everything, then skip. */
    private static CandidateScorer prefer(int node) {
        return (rows, candidates, features, scores) -> {
            for (int r = 0; r < rows; r++) {
                scores[r] = candidates[r] == node ? 2 : candidates[r] == MatchingState.SKIP ? 1 : 0;
            }
        };
    }

    private static LomarMatcher matcher(OfflineNodes nodes, CandidateScorer scorer, double rho, double slack) {
        return LomarMatcher.builder(nodes).scorer(scorer).rho(rho).slack(slack).horizon(10).build();
    }

    @Test
    void followsTheScorerEverywhereAtRhoZero() {
        LomarMatcher m = matcher(OfflineNodes.uniform(3, 10), prefer(2), 0, 0);

        int choice = m.decide(new double[] {5, 1, 0.5});

        assertEquals(2, choice);
        assertEquals(Branch.RL, m.lastBranch());
        assertEquals(0, m.lastExpertChoice(), "greedy's shadow takes the heaviest edge");
        assertEquals(0.5, m.reward());
        assertEquals(5, m.expertReward());
    }

    @Test
    void takesTheExpertsNodeWhenSkippingWouldFallBelowRhoTimesTheExpert() {
        LomarMatcher m = matcher(OfflineNodes.uniform(2, 10), ALWAYS_SKIP, 0.5, 0);

        int choice = m.decide(new double[] {3, 0});

        assertEquals(0, choice);
        assertEquals(Branch.EXPERT, m.lastBranch());
        assertEquals(MatchingState.SKIP, m.lastProposal());
        assertTrue(m.lastMargin() < 0);
        assertEquals(3, m.reward());
    }

    @Test
    void followsASkipOnceTheSlackCoversIt() {
        LomarMatcher m = matcher(OfflineNodes.uniform(2, 10), ALWAYS_SKIP, 0.5, 2);

        assertEquals(MatchingState.SKIP, m.decide(new double[] {3, 0}));
        assertEquals(Branch.RL, m.lastBranch(), "0 >= 0.5 * 3 - 2");
        assertEquals(1, m.decide(new double[] {0, 3}));
        assertEquals(Branch.EXPERT, m.lastBranch(), "0 < 0.5 * 6 - 2, so the expert's node 1 is taken");
        assertEquals(3, m.reward());
    }

    @Test
    void reservesTheBoundOfANodeUsedAheadOfTheExpert() {
        // The scorer takes node 1 (weight 1) where greedy takes node 0 (weight 2); node 1 is then
        // used ahead of the expert, and the switch reserves w_max(1) = 10 for it.
        LomarMatcher m = matcher(OfflineNodes.uniform(2, 10), prefer(1), 0.1, 0);

        int choice = m.decide(new double[] {2, 1});

        // 1 >= 0.1 * (2 + 10) fails, so the expert decides.
        assertEquals(0, choice);
        assertEquals(Branch.EXPERT, m.lastBranch());
        assertEquals(1 - 0.1 * 12, m.lastMargin(), 1e-12);
    }

    @Test
    void skipsWhenTheExpertsNodeIsAlreadyFullInItsOwnMatching() {
        // Ranking: node 0, then node 2, then skip, then node 1.
        CandidateScorer ranking = (rows, candidates, features, scores) -> {
            for (int r = 0; r < rows; r++) {
                scores[r] = switch (candidates[r]) {
                    case 0 -> 3;
                    case 2 -> 2;
                    case MatchingState.SKIP -> 1;
                    default -> 0;
                };
            }
        };
        LomarMatcher m = matcher(OfflineNodes.uniform(3, 1), ranking, 1, 2);

        // 0.5 >= 1 * (1 + 1) - 2: the slack lets the scorer take node 0, where greedy takes node 1.
        assertEquals(0, m.decide(new double[] {0.5, 1, 0}));
        assertEquals(Branch.RL, m.lastBranch());
        // Greedy now takes node 0 in its shadow; the scorer proposes node 2, and
        // 0.6 < 1 * (2 + 1) - 2 refuses it; the expert's node 0 is full here, so the item is skipped.
        int second = m.decide(new double[] {1, 0, 0.1});
        assertEquals(MatchingState.SKIP, second);
        assertEquals(Branch.EXPERT, m.lastBranch());
        assertEquals(2, m.lastProposal());
        assertEquals(0, m.lastExpertChoice());
        assertEquals(0.5, m.reward());
        assertEquals(2, m.expertReward());
        assertTrue(m.guaranteeMargin() >= 0);
    }

    @Test
    void aScorerThatThrowsIsCountedAndTheExpertDecides() {
        LomarMatcher m = matcher(OfflineNodes.uniform(2, 10), (r, c, f, s) -> {
            throw new IllegalStateException("broken model");
        }, 0, 0);

        assertEquals(1, m.decide(new double[] {1, 4}));
        assertEquals(Branch.EXPERT, m.lastBranch());
        assertEquals(1, m.scorerFailures());
        assertTrue(Double.isNaN(m.lastMargin()));
    }

    @Test
    void nanScoresNeverWin() {
        LomarMatcher m = matcher(OfflineNodes.uniform(3, 10), (rows, candidates, features, scores) -> {
            for (int r = 0; r < rows; r++) {
                scores[r] = candidates[r] == 1 ? -5 : Float.NaN;
            }
        }, 0, 0);

        assertEquals(1, m.decide(new double[] {3, 1, 2}));
        assertEquals(Branch.RL, m.lastBranch());
    }

    @Test
    void countsEdgesHeavierThanTheirBound() {
        LomarMatcher m = matcher(OfflineNodes.builder(2).weightBounds(1, 5).build(), ALWAYS_SKIP, 0.5, 0);

        m.decide(new double[] {2, 6});
        m.decide(new double[] {1, 5});

        assertEquals(2, m.boundViolations());
    }

    @Test
    void refusesNegativeNanOrMissingWeightsWithoutRecordingAnything() {
        LomarMatcher m = matcher(OfflineNodes.uniform(2, 10), ALWAYS_SKIP, 0.5, 0);

        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> m.decide(new double[] {1, -1}));
        assertTrue(negative.getMessage().contains("node 1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.decide(new double[] {Double.NaN, 1}));
        assertThrows(IllegalArgumentException.class, () -> m.decide(new double[] {1}));
        assertEquals(0, m.arrivals());
        assertEquals(0, m.rlDecisions() + m.expertDecisions());
    }

    @Test
    void resetStartsANewEpisodeAndKeepsTheCounters() {
        LomarMatcher m = matcher(OfflineNodes.uniform(1, 10), prefer(0), 0, 0);
        m.decide(new double[] {1});
        assertEquals(1, m.used(0));

        m.reset();

        assertEquals(0, m.used(0));
        assertEquals(0, m.reward());
        assertEquals(0, m.expertReward());
        assertEquals(0, m.decide(new double[] {1}), "the node has room again");
        assertEquals(2, m.rlDecisions());
    }

    @Test
    void withoutTheSwitchTheClairvoyantThiefFallsBelowRhoTimesTheExpert() {
        // The property tests would pass vacuously if no scorer could hurt: this one can, at rho 0.
        TestInstances.Instance bait = TestInstances.adversarial("bait", 7, 6, 20, 1);
        double expert = TestInstances.expertReward(bait, ExpertRule.greedy());
        CandidateScorer lightest = TestInstances.adversarialScorers(bait, 7).get(2);

        double pure = run(bait, lightest, 0);
        double lomar = run(bait, TestInstances.adversarialScorers(bait, 7).get(2), 0.8);

        assertTrue(pure < 0.8 * expert, pure + " vs expert " + expert);
        assertTrue(lomar >= 0.8 * expert, lomar + " vs expert " + expert);
    }

    private static double run(TestInstances.Instance instance, CandidateScorer scorer, double rho) {
        LomarMatcher m = LomarMatcher.builder(instance.nodes()).scorer(scorer).rho(rho)
                .horizon(instance.arrivals().length).build();
        for (double[] w : instance.arrivals()) {
            m.decide(w);
        }
        return m.reward();
    }

    @Test
    void builderNamesTheBadOrMissingSetting() {
        OfflineNodes nodes = OfflineNodes.uniform(2, 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LomarMatcher.builder(nodes).rho(1.5))
                .getMessage().contains("1.5"));
        assertThrows(IllegalArgumentException.class, () -> LomarMatcher.builder(nodes).slack(-1));
        assertThrows(IllegalArgumentException.class, () -> LomarMatcher.builder(nodes).candidateLimit(3));
        assertTrue(assertThrows(IllegalStateException.class, () -> LomarMatcher.builder(nodes).rho(0.5).horizon(4).build())
                .getMessage().contains("scorer"));
        assertTrue(assertThrows(IllegalStateException.class, () -> LomarMatcher.builder(nodes).scorer(ALWAYS_SKIP).horizon(4).build())
                .getMessage().contains("rho"));
    }

    @Test
    void decidingAllocatesNothingOnceWarm() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        TestInstances.Instance instance = TestInstances.random(11, 100, 64, 3, 0.5, true);
        CandidateScorer linear = (rows, candidates, features, scores) -> {
            for (int r = 0; r < rows; r++) {
                scores[r] = features[r * CandidateFeatures.COUNT] - 0.5f * features[r * CandidateFeatures.COUNT + 6];
            }
        };
        LomarMatcher m = LomarMatcher.builder(instance.nodes()).scorer(linear).rho(0.5).horizon(64).candidateLimit(16).build();
        for (int round = 0; round < 300; round++) {
            episode(m, instance.arrivals());
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 100; round++) {
            episode(m, instance.arrivals());
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(allocated < 1024, allocated + " bytes over 6,400 decisions");
    }

    private static void episode(LomarMatcher m, double[][] arrivals) {
        m.reset();
        for (double[] w : arrivals) {
            m.decide(w);
        }
    }

    @Test
    void everyExpertCanBeNamed() {
        for (String name : List.of("greedy", "balance", "greedy-t")) {
            assertEquals(name, ExpertRule.byName(name).name());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ExpertRule.byName("ranking"))
                .getMessage().contains("ranking"));
    }
}
