package io.reflex.trainer.cache;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HitHistoryTest {

    @Test
    void countsEveryRequestAndNeverHalvesWithPeriodZero() {
        HitHistory h = new HitHistory(3, 0);
        for (int i = 0; i < 1_000; i++) {
            h.record(1, i);
        }
        assertEquals(1_000, h.count(1, 1_000_000));
        assertEquals(0, h.count(0, 5));
    }

    @Test
    void halvesEveryPeriodAsTinyLfuResetsItsSketch() {
        HitHistory h = new HitHistory(2, 10);
        for (int i = 0; i < 8; i++) {
            h.record(0, i);                 // 8 requests in epoch 0
        }
        assertEquals(8, h.count(0, 9));
        assertEquals(4, h.count(0, 10));    // one reset
        assertEquals(2, h.count(0, 25));    // two resets
        h.record(0, 25);
        assertEquals(3, h.count(0, 29));
        assertEquals(0, h.count(0, 10_000));
    }

    @Test
    void overwritesOnlyTheHitCountColumn() {
        HitHistory h = new HitHistory(4, 0);
        h.record(3, 0);
        h.record(3, 1);
        float[] f = new float[2 * CandidateFeatures.COUNT];
        java.util.Arrays.fill(f, 7f);
        h.overwrite(new int[] {3, 2}, f, 2, 2);
        assertEquals(2f, f[CandidateFeatures.HIT_COUNT]);
        assertEquals(0f, f[CandidateFeatures.COUNT + CandidateFeatures.HIT_COUNT]);
        assertEquals(7f, f[CandidateFeatures.SIZE]);
    }

    @Test
    void offIsNullAndNegativePeriodsAreRefused() {
        assertNull(HitHistory.orNull(3, HitHistory.OFF));
        assertThrows(IllegalArgumentException.class, () -> new HitHistory(3, -1));
    }
}
