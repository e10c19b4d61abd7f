package io.reflex.engine.explore;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties every selector keeps for any scores: the probabilities it states over all actions sum
 * to 1, and the probability it reports for a choice is the one it states for that action. Each try
 * draws its scores from a generated seed (so a failure reproduces from its report), and the base
 * seeds of the properties are fixed (301, 302) so that a run is reproducible.
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

    @Test
    void epsilonGreedyProbabilitiesSumToOne() {
        record Input(long seed, int count, int offset, double epsilon) {
        }
        PropertyCheck.tries(300).seed(301).forAll(
                g -> new Input(g.anyLong(), g.ints(1, 64), g.ints(0, 5), g.decimal(0, 1)),
                in -> assertProbabilitiesSumToOneAndMatchTheChoice(new EpsilonGreedy(in.epsilon(), in.seed()),
                        scores(in.seed(), in.offset(), in.count(), 3.0), in.offset(), in.count()));
    }

    @Test
    void softmaxProbabilitiesSumToOne() {
        record Input(long seed, int count, int offset, double temperature, double spread) {
        }
        PropertyCheck.tries(300).seed(302).forAll(
                g -> new Input(g.anyLong(), g.ints(1, 64), g.ints(0, 5), g.decimal(0.01, 1000), g.decimal(0.1, 1000)),
                in -> assertProbabilitiesSumToOneAndMatchTheChoice(new SoftmaxSelector(in.temperature(), in.seed()),
                        scores(in.seed(), in.offset(), in.count(), in.spread()), in.offset(), in.count()));
    }
}
