package io.reflex.trainer.ope;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.explore.SoftmaxSelector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulators' exact truths agree with what running the policy on them earns: the benchmark's
 * errors are only as meaningful as its truths.
 */
class SimulatorTruthTest {

    @Test
    void theBanditsExactValueIsWhatThePolicyEarnsOnPolicy() {
        SyntheticBandit env = SyntheticBandit.standard(4);
        int n = 40_000;
        BanditDataset onPolicy = env.log(n, env.behaviourScorer(), new EpsilonGreedy(0.3, 1), 2);
        double exact = env.value(new TargetPolicy(env.behaviourScorer(), new TargetRule(TargetRule.Kind.EPSILON, 0.3)));
        assertEquals(exact, onPolicy.meanReward(), 4 * Math.sqrt(0.25 / n));
    }

    @Test
    void theSequentialTasksDynamicProgrammingValueIsWhatThePolicyEarnsOnPolicy() {
        SequentialTask task = SequentialTask.standard(4);
        int n = 20_000;
        EpisodeDataset onPolicy = task.log(n, task.targetScorer(), new SoftmaxSelector(0.5, 1), 2);
        double exact = task.value(new TargetPolicy(task.targetScorer(), new TargetRule(TargetRule.Kind.SOFTMAX, 0.5)));
        // Returns of 5 Bernoulli steps: standard deviation at most sqrt(5) / 2 with independence, allow more.
        assertEquals(exact, onPolicy.meanReturn(1), 4 * 2.5 / Math.sqrt(n));
        assertEquals(5, onPolicy.horizon());
        assertEquals(5L * n, onPolicy.decisions());
    }

    @Test
    void theTargetPoliciesBeatTheLoggingPoliciesAndTheOptimumBeatsBoth() {
        SyntheticBandit env = SyntheticBandit.standard(4);
        double logging = env.value(new TargetPolicy(env.behaviourScorer(), new TargetRule(TargetRule.Kind.EPSILON, 0.3)));
        double target = env.value(new TargetPolicy(env.targetScorer(), TargetRule.GREEDY));
        double optimum = env.value(new TargetPolicy(env.rewardScorer(), TargetRule.GREEDY));
        assertTrue(logging < target && target <= optimum, logging + " < " + target + " <= " + optimum);
    }

    @Test
    void theSameSeedLogsTheSameData() {
        SyntheticBandit env = SyntheticBandit.standard(4);
        BanditDataset a = env.log(1000, env.behaviourScorer(), new EpsilonGreedy(0.3, 1), 2);
        BanditDataset b = env.log(1000, env.behaviourScorer(), new EpsilonGreedy(0.3, 1), 2);
        for (int i = 0; i < 1000; i++) {
            assertEquals(a.action(i), b.action(i));
            assertEquals(a.reward(i), b.reward(i));
            assertEquals(a.propensity(i), b.propensity(i));
        }
    }
}
