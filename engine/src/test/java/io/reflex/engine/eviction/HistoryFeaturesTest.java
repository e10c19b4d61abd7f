package io.reflex.engine.eviction;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The history-1 schema: each column's raw value and encoding, padding, and the label. */
class HistoryFeaturesTest {

    private static float ticks(double x) {
        return (float) (Math.log1p(x) / 16);
    }

    @Test
    void aResidentRowHoldsItsHistoryAndResidencyEncodedAsDocumented() {
        AccessHistory h = new AccessHistory(3);
        h.record(1, 10);
        h.record(1, 40);
        HistoryFeatures f = new HistoryFeatures(4);

        f.resident(0, h, 1, 100, 4096, 20, 3);
        float[] out = new float[4 * HistoryFeatures.WIDTH];
        f.encode(1, 3, out, 4);

        assertEquals(ticks(60), out[4 + HistoryFeatures.RECENCY], 1e-6, "ticks since the last access");
        assertEquals(ticks(30), out[4 + HistoryFeatures.GAP], 1e-6, "the latest gap");
        assertEquals(-1f, out[4 + HistoryFeatures.GAP + 1], "an unknown gap");
        assertEquals(-1f, out[4 + HistoryFeatures.GAP + 2], "an unknown gap");
        for (int i = 0; i < AccessHistory.EDCS; i++) {
            assertEquals(ticks(h.edc(1, i)), out[4 + HistoryFeatures.EDC + i], 1e-6, "counter " + i);
        }
        assertEquals(Math.log1p(4096) / (30 * Math.log(2)), out[4 + HistoryFeatures.SIZE], 1e-6);
        assertEquals(ticks(80), out[4 + HistoryFeatures.RESIDENCE], 1e-6, "ticks since admission");
        assertEquals(ticks(3), out[4 + HistoryFeatures.HITS], 1e-6);
        for (int i = 4 + HistoryFeatures.WIDTH; i < 4 + 3 * HistoryFeatures.WIDTH; i++) {
            assertEquals(0f, out[i], "rows past the count are zero");
        }
    }

    @Test
    void theIncomingRowHasNoRecencyResidenceOrHits() {
        AccessHistory h = new AccessHistory(1);
        h.record(0, 5);
        h.record(0, 9);
        HistoryFeatures f = new HistoryFeatures(2);

        f.incoming(1, h, 0, 9, 1);

        assertEquals(0f, f.raw(1, HistoryFeatures.RECENCY));
        assertEquals(4f, f.raw(1, HistoryFeatures.GAP));
        assertEquals(0f, f.raw(1, HistoryFeatures.RESIDENCE));
        assertEquals(0f, f.raw(1, HistoryFeatures.HITS));
        assertThrows(IllegalArgumentException.class, () -> f.incoming(1, h, 0, 10, 1),
                "the incoming object's current access must be recorded first");
    }

    @Test
    void refusesRowsThatContradictTheirHistory() {
        AccessHistory h = new AccessHistory(2);
        h.record(0, 50);
        HistoryFeatures f = new HistoryFeatures(2);

        assertThrows(IllegalArgumentException.class, () -> f.resident(0, h, 1, 60, 1, 0, 0), "no access recorded");
        assertThrows(IllegalArgumentException.class, () -> f.resident(0, h, 0, 40, 1, 0, 0), "last access after now");
        assertThrows(IllegalArgumentException.class, () -> f.resident(0, h, 0, 60, 1, 55, 0), "admitted after its last access");
        assertThrows(IndexOutOfBoundsException.class, () -> f.resident(2, h, 0, 60, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new HistoryFeatures(66));
    }

    @Test
    void aRowSetFromRawColumnsEncodesBitForBitAsTheSameRowSetFromAHistory() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(18);
        for (int trial = 0; trial < 200; trial++) {
            AccessHistory h = new AccessHistory(1);
            long tick = r.nextLong(1_000_000);
            long admitted = tick;
            for (int a = 0, n = r.nextInt(1, 6); a < n; a++) {
                tick += r.nextLong(1 << r.nextInt(1, 28));
                h.record(0, tick);
            }
            long now = tick + r.nextLong(1 << 20);
            long size = r.nextLong(1L << 34);
            int hits = r.nextInt(1000);
            HistoryFeatures byHistory = new HistoryFeatures(2);
            byHistory.resident(0, h, 0, now, size, admitted, hits);
            float[] columns = new float[HistoryFeatures.WIDTH + 3];
            for (int c = 0; c < HistoryFeatures.WIDTH; c++) {
                columns[3 + c] = byHistory.raw(0, c);
            }
            HistoryFeatures byColumns = new HistoryFeatures(2);
            byColumns.row(0, columns, 3);

            float[] a = new float[2 * HistoryFeatures.WIDTH];
            float[] b = new float[2 * HistoryFeatures.WIDTH];
            byHistory.encode(1, 2, a, 0);
            byColumns.encode(1, 2, b, 0);
            for (int c = 0; c < a.length; c++) {
                assertEquals(Float.floatToRawIntBits(a[c]), Float.floatToRawIntBits(b[c]), "trial " + trial + " column " + c);
            }
        }
    }

    @Test
    void aRowFromRawColumnsRefusesNonFiniteAndNegativeValuesButAcceptsAnUnknownGap() {
        HistoryFeatures f = new HistoryFeatures(1);
        float[] ok = new float[HistoryFeatures.WIDTH];
        ok[HistoryFeatures.GAP + 2] = -1f;
        f.row(0, ok, 0);
        assertEquals(-1f, f.raw(0, HistoryFeatures.GAP + 2), "an unknown gap is kept as -1");
        for (int c = 0; c < HistoryFeatures.WIDTH; c++) {
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, -2f}) {
                float[] v = new float[HistoryFeatures.WIDTH];
                v[c] = bad;
                int column = c;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.row(0, v, 0));
                assertEquals(true, e.getMessage().contains("column " + column), e.getMessage());
            }
            if (c < HistoryFeatures.GAP || c >= HistoryFeatures.EDC) {
                float[] v = new float[HistoryFeatures.WIDTH];
                v[c] = -1f;
                assertThrows(IllegalArgumentException.class, () -> f.row(0, v, 0), "-1 is a gap's unknown only");
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> f.row(1, ok, 0));
    }

    @Test
    void theLabelIsTheScaledLogarithmOfTicksCappedAtTheHorizon() {
        assertEquals(0f, HistoryFeatures.label(0));
        assertEquals(ticks(999), HistoryFeatures.label(999), 1e-7);
        assertEquals(HistoryFeatures.label(HistoryFeatures.HORIZON), HistoryFeatures.label(Long.MAX_VALUE),
                "never and beyond the horizon are one label");
        assertThrows(IllegalArgumentException.class, () -> HistoryFeatures.label(-1));
    }
}
