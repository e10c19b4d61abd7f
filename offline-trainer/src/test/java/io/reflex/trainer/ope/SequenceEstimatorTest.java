package io.reflex.trainer.ope;

import io.reflex.engine.explore.SoftmaxSelector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sequence estimators on the small MDP whose value is exact. */
class SequenceEstimatorTest {

    private static final OpeSettings SETTINGS = new OpeSettings(100, 0.95, 3, 10, 1, 1);

    @Test
    void everySequenceEstimatorLandsNearTheExactValue() {
        SequentialTask task = SequentialTask.standard(5);
        TargetPolicy target = new TargetPolicy(task.targetScorer(), new TargetRule(TargetRule.Kind.EPSILON, 0.1));
        double truth = task.value(target);
        EpisodeDataset data = task.log(10_000, task.behaviourScorer(), new SoftmaxSelector(1, 6), 7);
        List<Estimate> estimates = OffPolicyEvaluation.sequence(data, target, SETTINGS);

        assertEquals(List.of("pdis", "wpdis", "seq-dr", "fqe"), estimates.stream().map(Estimate::name).toList());
        for (Estimate e : estimates) {
            assertTrue(e.ciLow() <= e.ciHigh(), e.toString());
            double tolerance = e.name().equals("pdis") ? 0.15 : 0.05;
            assertTrue(Math.abs(e.value() - truth) / truth < tolerance, e + " vs " + truth);
        }
        assertTrue(truth > data.meanReturn(1), "the target beats the logging policy");
    }

    @Test
    void onPolicyEveryWeightIsOneSoImportanceSamplingIsTheMeanReturn() {
        SequentialTask task = SequentialTask.standard(5);
        TargetRule rule = new TargetRule(TargetRule.Kind.SOFTMAX, 1);
        EpisodeDataset data = task.log(2_000, task.behaviourScorer(), new SoftmaxSelector(1, 6), 7);
        List<Estimate> estimates = OffPolicyEvaluation.sequence(data, new TargetPolicy(task.behaviourScorer(), rule), SETTINGS);
        // Propensities were computed in double by the selector; the target recomputes them the same way.
        assertEquals(data.meanReturn(1), estimates.get(0).value(), 1e-9);
        assertEquals(data.meanReturn(1), estimates.get(1).value(), 1e-9);
    }

    @Test
    void discountingWeighsLaterRewardsLess() {
        SequentialTask task = new SequentialTask(5, 3, 5, 0.5, 5);
        TargetPolicy target = new TargetPolicy(task.targetScorer(), TargetRule.GREEDY);
        double discounted = task.value(target);
        double undiscounted = new SequentialTask(5, 3, 5, 1.0, 5).value(target);
        assertTrue(discounted < undiscounted / 1.5, discounted + " vs " + undiscounted);
        EpisodeDataset data = task.log(10_000, task.behaviourScorer(), new SoftmaxSelector(1, 6), 7);
        OpeSettings settings = new OpeSettings(100, 0.95, 3, 10, 1, 0.5);
        for (Estimate e : OffPolicyEvaluation.sequence(data, target, settings)) {
            if (!e.name().equals("pdis")) {
                assertTrue(Math.abs(e.value() - discounted) / discounted < 0.06, e + " vs " + discounted);
            }
        }
    }
}
