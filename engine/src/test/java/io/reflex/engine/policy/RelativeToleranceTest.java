package io.reflex.engine.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How {@link RelativeTolerance} decides that two evaluations of a model agree. */
class RelativeToleranceTest {

    private static final RelativeTolerance TOL = new RelativeTolerance(1e-3);

    @Test
    void acceptsDifferencesUpToRtolTimesTheLargestMagnitudeInTheRow() {
        float[] expected = {10f, 0.001f, -2f};
        float[] actual = {10.009f, 0.001f + 0.009f, -2.009f};

        assertEquals(-1, TOL.firstMismatch(expected, actual, 3, 3));
    }

    @Test
    void reportsTheFirstElementBeyondTheBoundCountingAcrossRows() {
        float[] expected = {1f, 1f, 1f, 1f};
        float[] actual = {1f, 1f, 1f, 1.0011f};

        assertEquals(3, TOL.firstMismatch(expected, actual, 4, 2));
    }

    @Test
    void judgesEachRowByItsOwnScale() {
        // 0.01 off is fine next to 100, not in a row whose largest value is 1.
        float[] expected = {100f, 0f, 1f, 0f};
        float[] actual = {100f, 0.01f, 1f, 0.01f};

        assertEquals(3, TOL.firstMismatch(expected, actual, 4, 2));
    }

    @Test
    void alwaysFlagsANonFiniteValueOnEitherSide() {
        assertEquals(1, TOL.firstMismatch(new float[] {1f, Float.NaN}, new float[] {1f, Float.NaN}, 2, 2));
        assertEquals(0, TOL.firstMismatch(new float[] {1f}, new float[] {Float.POSITIVE_INFINITY}, 1, 1));
    }

    @Test
    void holdsANearZeroSingleOutputToThePrecisionOfThatOutputWhenGivenItsScale() {
        float[] expected = {-0.0065747574f};
        float[] actual = {-0.0065748394f};
        float[] scales = new float[1];
        RelativeTolerance.widenOutputScales(scales, new float[] {0.4f, Float.NaN, -0.9f, 0.2f}, 4, 1);

        assertArrayEquals(new float[] {0.9f}, scales);
        assertEquals(0, RelativeTolerance.DEFAULT.firstMismatch(expected, actual, 1, 1));
        assertEquals(-1, RelativeTolerance.DEFAULT.firstMismatch(expected, actual, 1, 1, scales));
        assertEquals(0, RelativeTolerance.DEFAULT.firstMismatch(expected, new float[] {0.1f}, 1, 1, scales));
    }

    @Test
    void acceptsOnlyAToleranceInZeroToOneTenth() {
        assertThrows(IllegalArgumentException.class, () -> new RelativeTolerance(0));
        assertThrows(IllegalArgumentException.class, () -> new RelativeTolerance(0.2));
        assertThrows(IllegalArgumentException.class, () -> new RelativeTolerance(Double.NaN));
        assertEquals(1e-5, RelativeTolerance.DEFAULT.rtol());
    }
}
