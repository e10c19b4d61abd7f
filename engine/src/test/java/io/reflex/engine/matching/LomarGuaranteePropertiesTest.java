package io.reflex.engine.matching;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

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

    @Property(tries = 400)
    void lomarStaysWithinRhoOfTheExpertOnRandomInstancesForAnyScorer(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int offline,
            @ForAll @IntRange(min = 1, max = 40) int online,
            @ForAll @IntRange(min = 1, max = 3) int maxCapacity,
            @ForAll @DoubleRange(min = 0.05, max = 1) double density,
            @ForAll boolean tightBounds,
            @ForAll("rhos") double rho,
            @ForAll("slacks") double slack,
            @ForAll("experts") String expert) {
        TestInstances.Instance instance = TestInstances.random(seed, offline, online, maxCapacity, density, tightBounds);
        checkEveryScorer(instance, ExpertRule.byName(expert), rho, slack, seed);
    }

    @Property(tries = 400)
    void lomarStaysWithinRhoOfTheExpertOnAdversarialInstancesForAnyScorer(
            @ForAll("families") String family,
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int offline,
            @ForAll @IntRange(min = 1, max = 40) int online,
            @ForAll @IntRange(min = 1, max = 2) int maxCapacity,
            @ForAll("rhos") double rho,
            @ForAll("slacks") double slack,
            @ForAll("experts") String expert) {
        TestInstances.Instance instance = TestInstances.adversarial(family, seed, offline, online, maxCapacity);
        checkEveryScorer(instance, ExpertRule.byName(expert), rho, slack, seed);
    }

    @Property(tries = 200)
    void atRhoOneWithoutSlackLomarNeverEndsBelowTheExpert(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 6) int offline,
            @ForAll @IntRange(min = 1, max = 30) int online,
            @ForAll("experts") String expert) {
        TestInstances.Instance instance = TestInstances.random(seed, offline, online, 2, 0.5, true);
        checkEveryScorer(instance, ExpertRule.byName(expert), 1.0, 0.0, seed);
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

    @Provide
    Arbitrary<Double> rhos() {
        return Arbitraries.oneOf(Arbitraries.of(0.0, 0.4, 0.6, 0.8, 1.0), Arbitraries.doubles().between(0, 1));
    }

    @Provide
    Arbitrary<Double> slacks() {
        return Arbitraries.oneOf(Arbitraries.just(0.0), Arbitraries.doubles().between(0, 5));
    }

    @Provide
    Arbitrary<String> experts() {
        return Arbitraries.of(ExpertRule.NAMES);
    }

    @Provide
    Arbitrary<String> families() {
        return Arbitraries.of(TestInstances.ADVERSARIAL);
    }
}
