package io.reflex.engine.adapt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input drift by PSI against the training profile: quiet on the training distribution, loud on a shifted column. */
class InputDriftTest {

    private static final int COLUMNS = 3;

    private static float[] row(SplittableRandom r, float shiftOfLast) {
        return new float[] {(float) r.nextGaussian(), (float) r.nextExponential(), (float) r.nextGaussian() + shiftOfLast};
    }

    private static FeatureProfile profile() {
        SplittableRandom r = new SplittableRandom(1);
        int n = 50_000;
        float[] rows = new float[n * COLUMNS];
        for (int i = 0; i < n; i++) {
            System.arraycopy(row(r, 0), 0, rows, i * COLUMNS, COLUMNS);
        }
        return FeatureProfile.of(rows, n, COLUMNS, FeatureProfile.DEFAULT_BINS);
    }

    @Test
    void rowsFromTheTrainingDistributionNeverDrift() {
        InputDrift drift = InputDrift.builder(profile()).build();
        SplittableRandom r = new SplittableRandom(2);
        double worst = 0;
        for (int i = 0; i < 500_000; i++) {
            drift.observe(row(r, 0), 0);
            if (drift.windows() > 0) {
                worst = Math.max(worst, drift.psi(drift.worstColumn()));
            }
        }
        assertEquals(50, drift.windows());
        assertEquals(0, drift.alarms());
        assertTrue(worst < 0.01, "the worst window's PSI " + worst + " stays near (bins - 1) / rows = 0.0009");
    }

    @Test
    void aColumnShiftedByOneStandardDeviationDriftsAtTheFirstWindowAndIsNamed() {
        List<Object[]> heard = new ArrayList<>();
        InputDrift drift = InputDrift.builder(profile()).window(5_000)
                .listener((column, psi, at) -> heard.add(new Object[] {column, psi, at})).build();
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 5_000; i++) {
            drift.observe(row(r, 1f), 0);
        }
        assertEquals(1, drift.alarms());
        assertEquals(2, heard.getFirst()[0], "the shifted column");
        assertTrue((double) heard.getFirst()[1] > 0.25, "PSI " + heard.getFirst()[1]);
        assertEquals(5_000L, heard.getFirst()[2]);
        assertTrue(drift.psi(0) < 0.02 && drift.psi(1) < 0.02, "the others held");
    }

    @Test
    void refusesWindowsAndThresholdsOutOfRange() {
        FeatureProfile p = profile();
        assertThrows(IllegalArgumentException.class, () -> InputDrift.builder(p).window(99));
        assertThrows(IllegalArgumentException.class, () -> InputDrift.builder(p).threshold(0));
        assertThrows(NullPointerException.class, () -> InputDrift.builder(null));
    }
}
