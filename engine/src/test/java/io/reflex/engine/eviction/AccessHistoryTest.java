package io.reflex.engine.eviction;

import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The per-object access history of the history-1 schema: gaps and decayed counters. */
class AccessHistoryTest {

    @Test
    void aFirstAccessSetsEveryCounterToOneAndLeavesTheGapsUnknown() {
        AccessHistory h = new AccessHistory(4);

        h.record(2, 100);

        assertEquals(100, h.lastAccess(2));
        for (int i = 0; i < AccessHistory.DELTAS; i++) {
            assertEquals(AccessHistory.UNKNOWN, h.gap(2, i));
        }
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            assertEquals(1f, h.edc(2, i));
        }
        assertEquals(AccessHistory.UNKNOWN, h.lastAccess(1), "other slots are untouched");
    }

    @Test
    void gapsShiftLatestFirstAndCountersDecayByTheirWindows() {
        AccessHistory h = new AccessHistory(1);
        h.record(0, 0);
        h.record(0, 256);
        h.record(0, 256 + 2048);
        h.record(0, 256 + 2048 + 10);

        assertEquals(10, h.gap(0, 0));
        assertEquals(2048, h.gap(0, 1));
        assertEquals(256, h.gap(0, 2));
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            double w = AccessHistory.edcWindow(i);
            double e = 1;
            for (long d : new long[] {256, 2048, 10}) {
                e = (float) (e * StrictMath.pow(2, -d / w) + 1);
            }
            assertEquals((float) e, h.edc(0, i), "counter " + i + " (window " + (long) w + ")");
        }
    }

    @Test
    void countersStayBetweenOneAndTheAccessCount() {
        PropertyCheck.tries(100).forAll(g -> g.list(1, 60, x -> x.ints(0, 5_000)), gaps -> {
            AccessHistory h = new AccessHistory(1);
            long t = 0;
            h.record(0, t);
            for (int g : gaps) {
                t += g;
                h.record(0, t);
            }
            for (int i = 0; i < AccessHistory.EDCS; i++) {
                float e = h.edc(0, i);
                assertEquals(true, e >= 1f && e <= gaps.size() + 1 + 1e-3f, "counter " + i + " = " + e);
            }
        });
    }

    @Test
    void theShortestWindowHalvesOverItsLength() {
        AccessHistory h = new AccessHistory(1);
        h.record(0, 0);
        h.record(0, AccessHistory.edcWindow(0));

        assertEquals(1.5f, h.edc(0, 0));
    }

    @Test
    void refusesTimeGoingBackwardsAndForgetsAClearedSlot() {
        AccessHistory h = new AccessHistory(2);
        h.record(1, 50);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> h.record(1, 49));
        assertEquals(true, e.getMessage().contains("slot 1"), e.getMessage());

        h.clear(1);
        assertEquals(AccessHistory.UNKNOWN, h.lastAccess(1));
        assertEquals(0f, h.edc(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new AccessHistory(0));
    }
}
