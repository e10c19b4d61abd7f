package io.reflex.engine.explore;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seeded scores and the statistical check shared by the selector tests. */
final class Draws {

    private Draws() {
    }

    /** {@code count} scores drawn from {@code seed}, Gaussian with standard deviation {@code spread}. */
    static float[] scores(long seed, int count, double spread) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] s = new float[count];
        for (int i = 0; i < count; i++) {
            s[i] = (float) (random.nextGaussian() * spread);
        }
        return s;
    }

    /**
     * Draws {@code n} choices and asserts that each action's frequency is within five standard
     * errors (plus one draw) of the probability the selector states for it, and that every draw's
     * reported probability is the stated one.
     */
    static void assertFrequenciesMatchStatedProbabilities(ActionSelector selector, float[] scores, int n) {
        int count = scores.length;
        int[] hits = new int[count];
        for (int d = 0; d < n; d++) {
            int a = selector.choose(scores, 0, count);
            hits[a]++;
            assertEquals(selector.probabilityOf(scores, 0, count, a), selector.probability());
        }
        for (int a = 0; a < count; a++) {
            double p = selector.probabilityOf(scores, 0, count, a);
            double frequency = (double) hits[a] / n;
            double bound = 5 * Math.sqrt(p * (1 - p) / n) + 1.0 / n;
            assertTrue(Math.abs(frequency - p) <= bound,
                    "action " + a + ": frequency " + frequency + " vs probability " + p + " (bound " + bound + ")");
        }
    }
}
