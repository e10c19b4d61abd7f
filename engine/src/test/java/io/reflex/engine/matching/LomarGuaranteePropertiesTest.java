package io.reflex.engine.matching;

import io.reflex.engine.testing.PropertyCheck;
import io.reflex.engine.testing.PropertyCheck.Gen;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LOMAR's guarantee, {@code reward ≥ ρ · reward(expert) − B}, on random and adversarial instances
 * whose weights respect the bounds, for every expert and for scorers that are random, always skip,
 * always take the lightest edge, steal the nodes with the most weight still to come (knowing the
 * whole future), score NaN, or throw. Checked at the end of every episode and, as the running
 * invariant {@code R_t + B − ρ(R^π_t + reserve_t) ≥ 0}, after every decision. The expert's shadow
 * reward must equal what the expert collects alone.
 *
 * <p>Tolerance {@code 1e-9 · (1 + expert reward)}: the proof is exact, the sums are doubles.
 */
class LomarGuaranteePropertiesTest {

    @Test
    void lomarStaysWithinRhoOfTheExpertOnRandomInstancesForAnyScorer() {
        record Input(long seed, int offline, int online, int maxCapacity, double density, boolean tightBounds,
                     double rho, double slack, String expert) {
        }
        PropertyCheck.tries(400).forAll(
                g -> new Input(g.anyLong(), g.ints(1, 8), g.ints(1, 40), g.ints(1, 3), g.decimal(0.05, 1), g.bool(),
                        rho(g), slack(g), expert(g)),
                in -> {
                    TestInstances.Instance instance = TestInstances.random(in.seed(), in.offline(), in.online(),
                            in.maxCapacity(), in.density(), in.tightBounds());
                    checkEveryScorer(instance, ExpertRule.byName(in.expert()), in.rho(), in.slack(), in.seed());
                });
    }

    @Test
    void lomarStaysWithinRhoOfTheExpertOnAdversarialInstancesForAnyScorer() {
        record Input(String family, long seed, int offline, int online, int maxCapacity, double rho, double slack,
                     String expert) {
        }
        PropertyCheck.tries(400).forAll(
                g -> new Input(g.of(TestInstances.ADVERSARIAL), g.anyLong(), g.ints(1, 8), g.ints(1, 40), g.ints(1, 2),
                        rho(g), slack(g), expert(g)),
                in -> {
                    TestInstances.Instance instance = TestInstances.adversarial(in.family(), in.seed(), in.offline(),
                            in.online(), in.maxCapacity());
                    checkEveryScorer(instance, ExpertRule.byName(in.expert()), in.rho(), in.slack(), in.seed());
                });
    }

    @Test
    void atRhoOneWithoutSlackLomarNeverEndsBelowTheExpert() {
        record Input(long seed, int offline, int online, String expert) {
        }
        PropertyCheck.tries(200).forAll(
                g -> new Input(g.anyLong(), g.ints(1, 6), g.ints(1, 30), expert(g)),
                in -> {
                    TestInstances.Instance instance = TestInstances.random(in.seed(), in.offline(), in.online(), 2, 0.5,
                            true);
                    checkEveryScorer(instance, ExpertRule.byName(in.expert()), 1.0, 0.0, in.seed());
                });
    }

    private static void checkEveryScorer(TestInstances.Instance instance, ExpertRule expert, double rho,
                                         double slack, long seed) {
        double alone = TestInstances.expertReward(instance, expert);
        double tolerance = 1e-9 * (1 + alone);
        List<CandidateScorer> scorers = TestInstances.adversarialScorers(instance, seed);
        for (int s = 0; s < scorers.size(); s++) {
            LomarMatcher matcher = LomarMatcher.builder(instance.nodes()).expert(expert).scorer(scorers.get(s))
                    .rho(rho).slack(slack).horizon(Math.max(1, instance.arrivals().length)).build();
            for (double[] weights : instance.arrivals()) {
                matcher.decide(weights);
                assertTrue(matcher.guaranteeMargin() >= -tolerance, () -> "invariant broken after item "
                        + matcher.arrivals() + " on " + instance + ": margin " + matcher.guaranteeMargin());
            }
            int scorer = s;
            assertEquals(alone, matcher.expertReward(), 1e-12 * (1 + alone), "the shadow is the expert run alone");
            assertEquals(0, matcher.boundViolations());
            assertTrue(matcher.reward() >= rho * alone - slack - tolerance, () -> "scorer " + scorer + " on "
                    + instance + " at rho " + rho + ", B " + slack + ": reward " + matcher.reward()
                    + " < rho * expert - B = " + (rho * alone - slack));
        }
    }

    /** Competitive ratios: the usual settings, or any value in [0, 1]. */
    private static double rho(Gen g) {
        return g.oneOf(x -> x.of(0.0, 0.4, 0.6, 0.8, 1.0), x -> x.decimal(0, 1));
    }

    /** The slack B: none, or any value in [0, 5]. */
    private static double slack(Gen g) {
        return g.oneOf(x -> 0.0, x -> x.decimal(0, 5));
    }

    private static String expert(Gen g) {
        return g.of(ExpertRule.NAMES);
    }
}
