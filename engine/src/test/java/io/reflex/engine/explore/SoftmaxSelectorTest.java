package io.reflex.engine.explore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Boltzmann selection: action i with probability exp(s_i / T) / Σ exp(s_j / T), reproducibly. */
class SoftmaxSelectorTest {

    /**
     * The textbook formula in double precision, shifted by the maximum. The selector subtracts the
     * maximum in float arithmetic, so the two agree to float precision in the exponent: about
     * {@code 6e-8 * |ln p|} relative, not to double precision.
     */
    private static double[] boltzmann(float[] scores, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s);
        }
        double[] p = new double[scores.length];
        double total = 0;
        for (int i = 0; i < scores.length; i++) {
            p[i] = Math.exp((scores[i] - max) / temperature);
            total += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    private static double tolerance(double p) {
        return p * 2.4e-7 * (1 + Math.abs(Math.log(p)));
    }

    @Test
    void sameSeedAndScoresGiveTheSameChoices() {
        float[] scores = Draws.scores(201, 9, 1.0);
        SoftmaxSelector first = new SoftmaxSelector(0.8, 202);
        SoftmaxSelector second = new SoftmaxSelector(0.8, 202);
        SoftmaxSelector other = new SoftmaxSelector(0.8, 203);
        int[] a = new int[500];
        int[] b = new int[500];
        int[] c = new int[500];
        for (int i = 0; i < 500; i++) {
            a[i] = first.choose(scores, 0, 9);
            b[i] = second.choose(scores, 0, 9);
            assertEquals(first.probability(), second.probability());
            c[i] = other.choose(scores, 0, 9);
        }
        assertTrue(Arrays.equals(a, b));
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    @Test
    void statesTheBoltzmannProbabilities() {
        for (double t : new double[] {0.05, 0.5, 1, 4, 100}) {
            float[] scores = Draws.scores(204, 12, 2.0);
            SoftmaxSelector selector = new SoftmaxSelector(t, 205);
            double[] expected = boltzmann(scores, t);
            for (int a = 0; a < scores.length; a++) {
                assertEquals(expected[a], selector.probabilityOf(scores, 0, scores.length, a), tolerance(expected[a]),
                        "T=" + t + " action " + a);
            }
        }
    }

    @Test
    void reportsTheProbabilityOfTheActionItTook() {
        float[] scores = Draws.scores(206, 5, 1.0);
        SoftmaxSelector selector = new SoftmaxSelector(1.0, 207);
        for (int i = 0; i < 300; i++) {
            int a = selector.choose(scores, 0, 5);
            assertEquals(selector.probabilityOf(scores, 0, 5, a), selector.probability());
            assertTrue(selector.probability() > 0 && selector.probability() <= 1);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.3, 1.0, 3.0, 50.0})
    void choiceFrequenciesMatchTheStatedProbabilities(double temperature) {
        float[] scores = Draws.scores(208, 6, 1.5);
        Draws.assertFrequenciesMatchStatedProbabilities(new SoftmaxSelector(temperature, 209), scores, 40_000);
    }

    @Test
    void aLowTemperatureIsAlmostGreedyAndAHighOneAlmostUniform() {
        float[] scores = {0f, 1f, 0.5f, -2f};
        SoftmaxSelector cold = new SoftmaxSelector(0.01, 210);
        assertTrue(cold.probabilityOf(scores, 0, 4, 1) > 1 - 1e-15);
        for (int i = 0; i < 100; i++) {
            assertEquals(1, cold.choose(scores, 0, 4));
        }
        SoftmaxSelector hot = new SoftmaxSelector(1e6, 211);
        for (int a = 0; a < 4; a++) {
            assertEquals(0.25, hot.probabilityOf(scores, 0, 4, a), 1e-5);
        }
    }

    @Test
    void staysFiniteForScoresThatWouldOverflowExp() {
        float[] scores = {3e38f, 2.9e38f, -3e38f, 1e30f};
        SoftmaxSelector selector = new SoftmaxSelector(1e6, 212);
        double sum = 0;
        for (int a = 0; a < 4; a++) {
            double p = selector.probabilityOf(scores, 0, 4, a);
            assertTrue(Double.isFinite(p) && p >= 0, "action " + a + ": " + p);
            sum += p;
        }
        assertEquals(1.0, sum, 1e-12);
        assertEquals(0, selector.choose(scores, 0, 4));
        assertEquals(1.0, selector.probability(), 1e-12);
    }

    @Test
    void readsOnlyTheScoresAtItsOffset() {
        float[] scores = {Float.NaN, 5f, 1f, 2f, Float.POSITIVE_INFINITY};
        SoftmaxSelector selector = new SoftmaxSelector(1.0, 213);
        double[] expected = boltzmann(new float[] {5f, 1f, 2f}, 1.0);
        for (int a = 0; a < 3; a++) {
            assertEquals(expected[a], selector.probabilityOf(scores, 1, 3, a), tolerance(expected[a]));
        }
        for (int i = 0; i < 100; i++) {
            int a = selector.choose(scores, 1, 3);
            assertTrue(a >= 0 && a < 3);
        }
        assertEquals(0.0, selector.probabilityOf(scores, 1, 3, 3));
        assertEquals(0.0, selector.probabilityOf(scores, 1, 3, -1));
    }

    @Test
    void refusesATemperatureOutsideItsRangeNonFiniteScoresAndAnEmptyActionSet() {
        assertEquals("temperature must be in (0, 1e6], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new SoftmaxSelector(0, 1)).getMessage());
        assertEquals("temperature must be in (0, 1e6], got -1.0",
                assertThrows(IllegalArgumentException.class, () -> new SoftmaxSelector(-1, 1)).getMessage());
        assertEquals("temperature must be in (0, 1e6], got 1000001.0",
                assertThrows(IllegalArgumentException.class, () -> new SoftmaxSelector(1_000_001, 1)).getMessage());
        assertEquals("temperature must be in (0, 1e6], got NaN",
                assertThrows(IllegalArgumentException.class, () -> new SoftmaxSelector(Double.NaN, 1)).getMessage());
        SoftmaxSelector selector = new SoftmaxSelector(1, 1);
        assertEquals("scores must be finite, got a maximum of Infinity",
                assertThrows(IllegalArgumentException.class,
                        () -> selector.choose(new float[] {1f, Float.POSITIVE_INFINITY}, 0, 2)).getMessage());
        assertEquals("scores must be finite, got a maximum of NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> selector.probabilityOf(new float[] {1f, Float.NaN}, 0, 2, 0)).getMessage());
        assertEquals("need at least one action, got 0",
                assertThrows(IllegalArgumentException.class, () -> selector.choose(new float[2], 0, 0)).getMessage());
    }
}
