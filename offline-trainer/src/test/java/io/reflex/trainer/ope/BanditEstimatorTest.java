package io.reflex.trainer.ope;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bandit estimators' defining identities, and their accuracy where the truth is known. */
class BanditEstimatorTest {

    /** Random logged data: uniform-ish propensities, arbitrary rewards, random target distributions. */
    private static BanditInputs randomInputs(long seed, int n, int k, boolean zeroModel) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][] ;
        int[] a = new int[n];
        double[] rewards = new double[n];
        double[] p = new double[n];
        double[] target = new double[n * k];
        double[] q = new double[n * k];
        for (int i = 0; i < n; i++) {
            x[i] = new float[] {(float) r.nextGaussian()};
            a[i] = r.nextInt(k);
            rewards[i] = r.nextDouble() * 4 - 1;
            p[i] = 0.05 + 0.95 * r.nextDouble();
            double total = 0;
            for (int b = 0; b < k; b++) {
                target[i * k + b] = r.nextDouble();
                total += target[i * k + b];
                q[i * k + b] = zeroModel ? 0 : r.nextDouble();
            }
            for (int b = 0; b < k; b++) {
                target[i * k + b] /= total;
            }
        }
        return new BanditInputs(new BanditDataset(k, x, a, rewards, p), target, q);
    }

    @Test
    void doublyRobustWithAZeroRewardModelIsIps() {
        PropertyCheck.tries(50).forAll(
                g -> new ZeroModelCase(g.ints(1, 300), g.ints(1, 6), g.anyLong()),
                ZeroModelCase::check);
    }

    /** {@code n} random logged decisions over {@code k} actions, with a reward model that predicts 0. */
    private record ZeroModelCase(int n, int k, long seed) {
        void check() {
            BanditInputs in = randomInputs(seed, n, k, true);
            assertEquals(new BanditEstimator.Ips().terms(in).value(), new BanditEstimator.DoublyRobust().terms(in).value(), 1e-9);
            assertEquals(0, new BanditEstimator.DirectMethod().terms(in).value(), 0);
            assertEquals(new BanditEstimator.Snips().terms(in).value(), new BanditEstimator.SelfNormalizedDr().terms(in).value(), 1e-9);
        }
    }

    /**
     * Unbiasedness, exactly: one unit per (context, action) pair, weighted by how likely the logging
     * policy is to produce it, so that the weighted "resample" is the expectation over all possible
     * logs of one decision. IPS and DR (whatever the reward model) then equal the true value, and so
     * does SNIPS as a ratio of expectations (the expected weight is 1).
     */
    @Test
    void ipsAndDoublyRobustAreUnbiasedWhateverTheRewardModel() {
        PropertyCheck.tries(50).forAll(
                g -> new EveryOutcomeCase(g.ints(1, 20), g.ints(1, 5), g.anyLong()),
                EveryOutcomeCase::check);
    }

    /** Every (context, action) pair of {@code contexts} seeded contexts over {@code k} actions. */
    private record EveryOutcomeCase(int contexts, int k, long seed) {
        void check() {
            SplittableRandom r = new SplittableRandom(seed);
            int n = contexts * k;
            float[][] x = new float[n][];
            int[] a = new int[n];
            double[] expectedReward = new double[n];
            double[] logging = new double[n];
            double[] target = new double[n * k];
            double[] model = new double[n * k];
            double[] probability = new double[n];
            double truth = 0;
            for (int c = 0; c < contexts; c++) {
                double[] mu = distribution(r, k, 0.02);
                double[] pi = distribution(r, k, 0);
                double[] reward = new double[k];
                double[] q = new double[k];
                for (int b = 0; b < k; b++) {
                    reward[b] = r.nextDouble() * 2 - 0.5;
                    q[b] = r.nextDouble() * 3 - 1;   // any model at all
                    truth += pi[b] * reward[b] / contexts;
                }
                for (int b = 0; b < k; b++) {
                    int i = c * k + b;
                    x[i] = new float[] {c};
                    a[i] = b;
                    expectedReward[i] = reward[b];
                    logging[i] = mu[b];
                    probability[i] = mu[b] / contexts;
                    System.arraycopy(pi, 0, target, i * k, k);
                    System.arraycopy(q, 0, model, i * k, k);
                }
            }
            BanditInputs in = new BanditInputs(new BanditDataset(k, x, a, expectedReward, logging), target, model);
            assertEquals(truth, new BanditEstimator.Ips().terms(in).value(probability, 1), 1e-9);
            assertEquals(truth, new BanditEstimator.DoublyRobust().terms(in).value(probability, 1), 1e-9);
            assertEquals(truth, new BanditEstimator.Snips().terms(in).value(probability, 1), 1e-9);
        }
    }

    /** A random distribution over k actions, each at least {@code floor}. */
    private static double[] distribution(SplittableRandom r, int k, double floor) {
        double[] p = new double[k];
        double total = 0;
        for (int b = 0; b < k; b++) {
            p[b] = r.nextDouble();
            total += p[b];
        }
        for (int b = 0; b < k; b++) {
            p[b] = floor + (1 - k * floor) * p[b] / total;
        }
        return p;
    }

    @Test
    void switchDrIsDrBelowItsThresholdAndTheDirectMethodAbove() {
        PropertyCheck.tries(50).forAll(
                g -> new SwitchCase(g.ints(1, 300), g.anyLong()),
                SwitchCase::check);
    }

    /** {@code n} random logged decisions over three actions, with a random reward model. */
    private record SwitchCase(int n, long seed) {
        void check() {
            BanditInputs in = randomInputs(seed, n, 3, false);
            // Weights are at most 1 / 0.05 = 20.
            assertEquals(new BanditEstimator.DoublyRobust().terms(in).value(), new BanditEstimator.SwitchDr(21).terms(in).value(), 1e-9);
            assertEquals(new BanditEstimator.DirectMethod().terms(in).value(), new BanditEstimator.SwitchDr(1e-9).terms(in).value(), 1e-9);
        }
    }

    @Test
    void snipsOfAConstantRewardIsThatConstant() {
        PropertyCheck.tries(30).forAll(
                g -> new ConstantRewardCase(g.ints(1, 200), g.decimal(-5, 5), g.anyLong()),
                ConstantRewardCase::check);
    }

    /** {@code n} random logged decisions over four actions, every reward this constant. */
    private record ConstantRewardCase(int n, double reward, long seed) {
        void check() {
            BanditInputs in = randomInputs(seed, n, 4, false);
            BanditDataset d = in.data();
            double[] constant = new double[n];
            Arrays.fill(constant, reward);
            double[] propensities = new double[n];
            float[][] x = new float[n][];
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                propensities[i] = d.propensity(i);
                x[i] = d.context(i);
                a[i] = d.action(i);
            }
            BanditInputs same = new BanditInputs(new BanditDataset(4, x, a, constant, propensities), in.target(), in.predictions());
            double snips = new BanditEstimator.Snips().terms(same).value();
            // With no weight on any logged action SNIPS has no support and reports 0 by convention.
            double totalWeight = 0;
            for (int i = 0; i < n; i++) {
                totalWeight += same.weight(i);
            }
            assertEquals(totalWeight > 0 ? reward : 0, snips, 1e-9);
        }
    }

    @Test
    void importanceSamplingOfTheLoggingPolicyItselfIsTheMeanLoggedReward() {
        SyntheticBandit env = SyntheticBandit.standard(3);
        // Logging and target: the same ε-greedy policy, so every weight is 1.
        BanditDataset data = env.log(5_000, env.behaviourScorer(), new EpsilonGreedy(0.3, 4), 5);
        TargetPolicy same = new TargetPolicy(env.behaviourScorer(), new TargetRule(TargetRule.Kind.EPSILON, 0.3));
        BanditInputs in = BanditInputs.of(data, same, RidgeRewardModel.fit(data, 1));
        assertEquals(data.meanReward(), new BanditEstimator.Ips().terms(in).value(), 1e-6);
        assertEquals(data.meanReward(), new BanditEstimator.Snips().terms(in).value(), 1e-6);
    }

    @Test
    void unbiasedEstimatorsLandNearTheTruthAndTheDirectMethodShowsItsModelBias() {
        SyntheticBandit env = SyntheticBandit.standard(9);
        TargetPolicy target = new TargetPolicy(env.targetScorer(), TargetRule.GREEDY);
        double truth = env.value(target);
        BanditDataset data = env.log(50_000, env.behaviourScorer(), new EpsilonGreedy(0.3, 17), 18);
        List<Estimate> estimates = OffPolicyEvaluation.bandit(data, target, new OpeSettings(200, 0.95, 1, 10, 1, 1));

        assertEquals(List.of("ips", "snips", "dm", "dr", "sndr", "switch-dr"), estimates.stream().map(Estimate::name).toList());
        for (Estimate e : estimates) {
            assertTrue(e.ciLow() <= e.value() && e.value() <= e.ciHigh(), e.toString());
            if (List.of("ips", "snips", "dr", "sndr").contains(e.name())) {
                // Four interval half-widths: a miss this large would be a bias, not bad luck.
                double halfWidth = (e.ciHigh() - e.ciLow()) / 2;
                assertEquals(truth, e.value(), 4 * halfWidth, e.toString());
                assertTrue(Math.abs(e.value() - truth) / truth < 0.05, e + " vs " + truth);
            }
        }
        assertTrue(truth > data.meanReward(), "the target beats the logging policy");
    }

    @Test
    void unknownEstimatorNamesAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BanditEstimator.named("magic", 10));
        assertTrue(e.getMessage().contains("'magic'"), e.getMessage());
    }
}
