package io.reflex.engine.explore;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties every selector keeps for any scores: the probabilities it states over all actions sum
 * to 1, and the probability it reports for a choice is the one it states for that action. Each try
 * draws its scores from a generated seed (so a failure reproduces from its report), and the property
 * seeds are fixed so that a run is reproducible.
 */
class SelectorPropertiesTest {

    private static float[] scores(long seed, int offset, int count, double spread) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] s = new float[offset + count + 2];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (random.nextGaussian() * spread);
        }
        // Ties are common in real scores (saturated outputs): copy some.
        if (count > 2 && random.nextBoolean()) {
            s[offset + 1] = s[offset];
        }
        return s;
    }

    private static void assertProbabilitiesSumToOneAndMatchTheChoice(ActionSelector selector, float[] s,
                                                                     int offset, int count) {
        double sum = 0;
        for (int a = 0; a < count; a++) {
            double p = selector.probabilityOf(s, offset, count, a);
            assertTrue(p >= 0 && p <= 1, "action " + a + ": " + p);
            sum += p;
        }
        assertEquals(1.0, sum, 1e-9);
        for (int d = 0; d < 20; d++) {
            int a = selector.choose(s, offset, count);
            assertTrue(a >= 0 && a < count, "action " + a);
            assertEquals(selector.probabilityOf(s, offset, count, a), selector.probability());
            assertTrue(selector.probability() > 0, "an action taken had probability " + selector.probability());
        }
    }

    @Property(tries = 300, seed = "301")
    void epsilonGreedyProbabilitiesSumToOne(@ForAll long seed, @ForAll @IntRange(min = 1, max = 64) int count,
                                            @ForAll @IntRange(min = 0, max = 5) int offset,
                                            @ForAll @DoubleRange(min = 0, max = 1) double epsilon) {
        assertProbabilitiesSumToOneAndMatchTheChoice(new EpsilonGreedy(epsilon, seed),
                scores(seed, offset, count, 3.0), offset, count);
    }

    @Property(tries = 300, seed = "302")
    void softmaxProbabilitiesSumToOne(@ForAll long seed, @ForAll @IntRange(min = 1, max = 64) int count,
                                      @ForAll @IntRange(min = 0, max = 5) int offset,
                                      @ForAll @DoubleRange(min = 0.01, max = 1000) double temperature,
                                      @ForAll @DoubleRange(min = 0.1, max = 1000) double spread) {
        assertProbabilitiesSumToOneAndMatchTheChoice(new SoftmaxSelector(temperature, seed),
                scores(seed, offset, count, spread), offset, count);
    }
}
