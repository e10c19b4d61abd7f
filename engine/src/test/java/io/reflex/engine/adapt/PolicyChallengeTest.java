package io.reflex.engine.adapt;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Online off-policy estimates and the challenge built on them, on a synthetic bandit with known
 * truth: ten contexts, three actions, Bernoulli rewards; the incumbent logs ε-greedy decisions
 * around its own choice with their propensities.
 */
class PolicyChallengeTest {

    private static final double[][] P = new double[10][3];
    private static final double EPSILON = 0.3;

    static {
        SplittableRandom r = new SplittableRandom(11);
        for (double[] row : P) {
            for (int a = 0; a < 3; a++) {
                row[a] = 0.1 + 0.8 * r.nextDouble();
            }
        }
    }

    /** The action a policy given by {@code choice} takes in context x. */
    interface Policy {
        int action(int x);
    }

    private static final Policy BEST = x -> argmax(P[x]);
    private static final Policy WORST = x -> argmin(P[x]);
    /** The incumbent: right in even contexts, worst in odd ones. */
    private static final Policy INCUMBENT = x -> x % 2 == 0 ? argmax(P[x]) : argmin(P[x]);

    private static double value(Policy p) {
        double v = 0;
        for (int x = 0; x < P.length; x++) {
            v += P[x][p.action(x)];
        }
        return v / P.length;
    }

    private static int argmax(double[] v) {
        return v[0] >= v[1] && v[0] >= v[2] ? 0 : v[1] >= v[2] ? 1 : 2;
    }

    private static int argmin(double[] v) {
        return v[0] <= v[1] && v[0] <= v[2] ? 0 : v[1] <= v[2] ? 1 : 2;
    }

    /**
     * Runs {@code decisions} of the incumbent's ε-greedy logging; feeds {@code estimate} the
     * target's weights, and {@code challenge} (if any) the challenger's probabilities; with a
     * reward model when {@code model}.
     *
     * @return the decision at which the challenge was won, or -1
     */
    private static long run(Policy target, int decisions, long seed, OffPolicyEstimate estimate, PolicyChallenge challenge,
                            boolean model) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < decisions; i++) {
            int x = r.nextInt(P.length);
            int greedy = INCUMBENT.action(x);
            int a = r.nextDouble() < EPSILON ? r.nextInt(3) : greedy;
            double propensity = (a == greedy ? 1 - EPSILON : 0) + EPSILON / 3;
            double reward = r.nextDouble() < P[x][a] ? 1 : 0;
            double pi = target.action(x) == a ? 1 : 0;
            double predicted = model ? P[x][a] : 0;
            double direct = model ? P[x][target.action(x)] : 0;
            if (estimate != null) {
                estimate.record(pi / propensity, reward, predicted, direct);
            }
            if (challenge != null && challenge.record(pi, propensity, reward, predicted, direct)) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void everyEstimatesIntervalHoldsTheTargetsTrueValue() {
        for (Policy target : new Policy[] {BEST, WORST, INCUMBENT}) {
            for (long seed = 1; seed <= 3; seed++) {
                OffPolicyEstimate e = new OffPolicyEstimate();
                run(target, 50_000, seed, e, null, false);
                double truth = value(target);
                assertEquals(50_000, e.count());
                assertTrue(Math.abs(e.ips() - truth) <= e.ipsHalfWidth(3), "IPS " + e.ips() + " ± " + e.ipsHalfWidth(3) + " vs " + truth);
                assertTrue(Math.abs(e.snips() - truth) <= e.snipsHalfWidth(3), "SNIPS " + e.snips() + " vs " + truth);
                assertEquals(e.ips(), e.dr(), 1e-12, "without a reward model DR is IPS");
            }
        }
    }

    @Test
    void aGoodRewardModelNarrowsDrsIntervalAndKeepsItRight() {
        OffPolicyEstimate ips = new OffPolicyEstimate();
        OffPolicyEstimate dr = new OffPolicyEstimate();
        run(BEST, 50_000, 4, ips, null, false);
        run(BEST, 50_000, 4, dr, null, true);
        double truth = value(BEST);
        assertTrue(Math.abs(dr.dr() - truth) <= dr.drHalfWidth(3), "DR " + dr.dr() + " vs " + truth);
        assertTrue(dr.drHalfWidth(3) < 0.7 * ips.ipsHalfWidth(3), dr.drHalfWidth(3) + " against IPS " + ips.ipsHalfWidth(3));
    }

    @Test
    void aBetterChallengerWinsWithConfidenceAndANoBetterOneNeverDoes() {
        assertTrue(value(BEST) > value(INCUMBENT) + 0.05, "the setting: BEST is clearly better");
        long[] heard = {-1};
        PolicyChallenge better = PolicyChallenge.builder().listener((at, lower, upper) -> heard[0] = at).build();
        long at = run(BEST, 100_000, 5, null, better, false);
        assertTrue(at > 0 && at <= 20_000, "won at decision " + at);
        assertEquals(at, heard[0]);
        assertTrue(better.won());
        assertFalse(better.record(1, 0.5, 1), "a win is said once");

        for (Policy same : new Policy[] {INCUMBENT, WORST}) {
            for (long seed = 6; seed <= 8; seed++) {
                PolicyChallenge c = PolicyChallenge.builder().build();
                assertEquals(-1, run(same, 200_000, seed, null, c, false), "no false win, seed " + seed);
                assertEquals(200_000, c.decisions());
            }
        }
    }

    @Test
    void badInputsAreRefusedNamingTheValue() {
        PolicyChallenge c = PolicyChallenge.builder().build();
        assertThrows(IllegalArgumentException.class, () -> c.record(1.5, 0.5, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.record(1, 0, 1));
        assertTrue(e.getMessage().contains("propensity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OffPolicyEstimate().record(Double.NaN, 1));
        assertThrows(IllegalArgumentException.class, () -> PolicyChallenge.builder().z(0));
        assertEquals(0, c.decisions(), "a refused record leaves no trace");
    }
}
