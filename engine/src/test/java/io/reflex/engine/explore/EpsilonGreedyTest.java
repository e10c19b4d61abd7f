package io.reflex.engine.explore;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ε-greedy selection: the best action with probability 1 - ε + ε/n, any other with ε/n, reproducibly. */
class EpsilonGreedyTest {

    @Test
    void sameSeedAndScoresGiveTheSameChoices() {
        float[] scores = Draws.scores(101, 10, 1.0);
        EpsilonGreedy first = new EpsilonGreedy(0.4, 102);
        EpsilonGreedy second = new EpsilonGreedy(0.4, 102);
        EpsilonGreedy other = new EpsilonGreedy(0.4, 103);
        int[] a = new int[500];
        int[] b = new int[500];
        int[] c = new int[500];
        for (int i = 0; i < 500; i++) {
            a[i] = first.choose(scores, 0, 10);
            b[i] = second.choose(scores, 0, 10);
            assertEquals(first.probability(), second.probability());
            c[i] = other.choose(scores, 0, 10);
        }
        assertTrue(Arrays.equals(a, b));
        assertNotEquals(Arrays.toString(a), Arrays.toString(c), "another seed explores differently");
    }

    @Test
    void reportsTheProbabilityOfTheActionItTook() {
        float[] scores = Draws.scores(104, 6, 1.0);
        int best = EpsilonGreedy.argmax(scores, 0, 6);
        EpsilonGreedy selector = new EpsilonGreedy(0.3, 105);
        boolean sawBest = false;
        boolean sawOther = false;
        for (int i = 0; i < 300; i++) {
            int a = selector.choose(scores, 0, 6);
            assertEquals(selector.probabilityOf(scores, 0, 6, a), selector.probability());
            if (a == best) {
                sawBest = true;
                assertEquals(1 - 0.3 + 0.3 / 6, selector.probability(), 1e-15);
            } else {
                sawOther = true;
                assertEquals(0.3 / 6, selector.probability(), 1e-15);
            }
        }
        assertTrue(sawBest && sawOther);
    }

    @Test
    void epsilonZeroIsGreedyWithProbabilityOne() {
        EpsilonGreedy selector = new EpsilonGreedy(0, 106);
        for (int t = 0; t < 200; t++) {
            float[] scores = Draws.scores(107 + t, 1 + t % 12, 3.0);
            int best = 0;
            for (int i = 1; i < scores.length; i++) {
                if (scores[i] > scores[best]) {
                    best = i;
                }
            }
            assertEquals(best, selector.choose(scores, 0, scores.length));
            assertEquals(1.0, selector.probability());
        }
    }

    @Test
    void tiesGoToTheLowestIndex() {
        EpsilonGreedy selector = new EpsilonGreedy(0, 108);
        float[] scores = {0.5f, 2f, -1f, 2f, 2f};
        assertEquals(1, selector.choose(scores, 0, 5));
        assertEquals(1 - 0.0, selector.probabilityOf(scores, 0, 5, 1));
        assertEquals(0.0, selector.probabilityOf(scores, 0, 5, 3));
    }

    @Test
    void epsilonOneIsUniform() {
        float[] scores = Draws.scores(109, 8, 1.0);
        EpsilonGreedy selector = new EpsilonGreedy(1, 110);
        for (int a = 0; a < 8; a++) {
            assertEquals(1.0 / 8, selector.probabilityOf(scores, 0, 8, a), 1e-15);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.05, 0.2, 0.5, 0.9, 1.0})
    void choiceFrequenciesMatchTheStatedProbabilities(double epsilon) {
        float[] scores = Draws.scores(111, 7, 1.0);
        Draws.assertFrequenciesMatchStatedProbabilities(new EpsilonGreedy(epsilon, 112), scores, 40_000);
    }

    @Test
    void readsOnlyTheScoresAtItsOffset() {
        float[] scores = {99f, 99f, 1f, 3f, 2f, 99f};
        EpsilonGreedy selector = new EpsilonGreedy(0.25, 113);
        assertEquals(1 - 0.25 + 0.25 / 3, selector.probabilityOf(scores, 2, 3, 1), 1e-15);
        assertEquals(0.25 / 3, selector.probabilityOf(scores, 2, 3, 0), 1e-15);
        for (int i = 0; i < 100; i++) {
            int a = selector.choose(scores, 2, 3);
            assertTrue(a >= 0 && a < 3, "action " + a);
        }
        assertEquals(1, new EpsilonGreedy(0, 114).choose(scores, 2, 3));
    }

    @Test
    void anActionOutsideTheRangeHasProbabilityZero() {
        float[] scores = Draws.scores(115, 4, 1.0);
        EpsilonGreedy selector = new EpsilonGreedy(0.5, 116);
        assertEquals(0.0, selector.probabilityOf(scores, 0, 4, -1));
        assertEquals(0.0, selector.probabilityOf(scores, 0, 4, 4));
    }

    @Test
    void aSingleActionIsAlwaysTakenWithProbabilityOne() {
        EpsilonGreedy selector = new EpsilonGreedy(0.7, 117);
        for (int i = 0; i < 50; i++) {
            assertEquals(0, selector.choose(new float[] {-3f}, 0, 1));
            assertEquals(1.0, selector.probability(), 1e-15);
        }
    }

    @Test
    void refusesAnEpsilonOutsideZeroToOneAndAnEmptyActionSet() {
        assertEquals("epsilon must be in [0, 1], got -0.1",
                assertThrows(IllegalArgumentException.class, () -> new EpsilonGreedy(-0.1, 1)).getMessage());
        assertEquals("epsilon must be in [0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new EpsilonGreedy(1.5, 1)).getMessage());
        assertEquals("epsilon must be in [0, 1], got NaN",
                assertThrows(IllegalArgumentException.class, () -> new EpsilonGreedy(Double.NaN, 1)).getMessage());
        EpsilonGreedy selector = new EpsilonGreedy(0.1, 1);
        assertEquals("need at least one action, got 0",
                assertThrows(IllegalArgumentException.class, () -> selector.choose(new float[3], 0, 0)).getMessage());
        assertEquals("need at least one action, got -2",
                assertThrows(IllegalArgumentException.class,
                        () -> selector.probabilityOf(new float[3], 0, -2, 0)).getMessage());
        assertTrue(Double.isNaN(new EpsilonGreedy(0.1, 1).probability()), "no probability before the first choice");
    }
}
