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
            double e = 1;
            for (long d : new long[] {256, 2048, 10}) {
                e = (float) (e * AccessHistory.decay(d, i) + 1);
            }
            assertEquals((float) e, h.edc(0, i), "counter " + i + " (window " + AccessHistory.edcWindow(i) + ")");
        }
    }

    @Test
    void theDecayIsOneWithoutAGapAndExactlyAPowerOfAHalfOverWholeWindows() {
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            long w = AccessHistory.edcWindow(i);
            assertEquals(1.0, AccessHistory.decay(0, i), "counter " + i);
            assertEquals(0.5, AccessHistory.decay(w, i), "counter " + i);
            for (int k : new int[] {2, 3, 17, 64, 1000, AccessHistory.MAX_HALVINGS}) {
                assertEquals(Math.scalb(1.0, -k), AccessHistory.decay(k * w, i), "counter " + i + ", " + k + " windows");
            }
        }
    }

    @Test
    void theDecayIsZeroExactlyPastItsLastWholeWindow() {
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            long edge = (AccessHistory.MAX_HALVINGS + 1L) * AccessHistory.edcWindow(i);
            double last = AccessHistory.decay(edge - 1, i);
            assertEquals(true, last > 0 && last <= Math.scalb(1.0, -AccessHistory.MAX_HALVINGS)
                    && last >= Double.MIN_NORMAL, "counter " + i + ": " + last);
            assertEquals(0.0, AccessHistory.decay(edge, i), "counter " + i);
            assertEquals(0.0, AccessHistory.decay(Long.MAX_VALUE, i), "counter " + i);
        }
    }

    /** Three table entries within an ulp each and two roundings: within 6 ulps of pow's own result. */
    @Test
    void theDecayIsWithinSixUlpsOfStrictMathPow() {
        record Gap(int counter, int bits, long delta) {}
        PropertyCheck.tries(20_000).forAll(g -> {
            int counter = g.ints(0, AccessHistory.EDCS - 1);
            int bits = g.ints(0, 17 + 3 * counter + 10);    // up to 1024 windows: the whole nonzero range
            long delta = g.longs(0, Math.min((1L << bits) - 1,
                    (AccessHistory.MAX_HALVINGS + 1L) * AccessHistory.edcWindow(counter) - 1));
            return new Gap(counter, bits, delta);
        }, gap -> {
            double exact = StrictMath.pow(2.0, -(double) gap.delta() / AccessHistory.edcWindow(gap.counter()));
            double decay = AccessHistory.decay(gap.delta(), gap.counter());
            assertEquals(exact, decay, 6 * Math.ulp(exact));
        });
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

    @Test
    void aHistoryMovedOutAndBackByItsPartsRecordsOnAsIfItHadStayed() {
        AccessHistory stayed = new AccessHistory(1);
        AccessHistory moved = new AccessHistory(2);
        for (long t : new long[] {5, 300, 2_000, 2_001}) {
            stayed.record(0, t);
            moved.record(0, t);
        }

        moved.set(1, moved.lastAccess(0), moved.gap(0, 0), moved.gap(0, 1), moved.gap(0, 2),
                moved.counterPair(0, 0), moved.counterPair(0, 1));
        stayed.record(0, 90_000);
        moved.record(1, 90_000);

        assertEquals(stayed.lastAccess(0), moved.lastAccess(1));
        for (int i = 0; i < AccessHistory.DELTAS; i++) {
            assertEquals(stayed.gap(0, i), moved.gap(1, i));
        }
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            assertEquals(Float.floatToRawIntBits(stayed.edc(0, i)), Float.floatToRawIntBits(moved.edc(1, i)));
        }
    }

    @Test
    void aCounterPairAdvancedOnItsOwnMatchesTheSlotsRecord() {
        AccessHistory h = new AccessHistory(1);
        h.record(0, 0);
        long pair0 = h.counterPair(0, 0);
        long pair1 = h.counterPair(0, 1);

        h.record(0, 5_000);

        assertEquals(AccessHistory.FIRST_COUNTERS, pair0);
        assertEquals(h.counterPair(0, 0), AccessHistory.recordedPair(pair0, 5_000, 0));
        assertEquals(h.counterPair(0, 1), AccessHistory.recordedPair(pair1, 5_000, 1));
    }
}
