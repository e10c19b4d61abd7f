package io.reflex.trainer.suite;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SuiteSummary}: the suite's comparison, worked out by hand on three cells. */
class SuiteSummaryTest {

    private static final double EPS = 1e-12;

    /** Cells as {trace, size, lru, s3fifo, arc, belady, reflex}. */
    private static List<SuiteSummary.Row> rows(boolean withReflex, Object[]... cells) {
        String[] policies = {"lru", "s3fifo", "arc", "belady", "reflex"};
        List<SuiteSummary.Row> rows = new ArrayList<>();
        for (Object[] c : cells) {
            for (int p = 0; p < (withReflex ? 5 : 4); p++) {
                double hit = (Double) c[2 + p];
                rows.add(new SuiteSummary.Row((String) c[0], (String) c[1], policies[p], hit, hit / 2));
            }
        }
        return rows;
    }

    private static final Object[][] CELLS = {
            {"a.trace", "100", 0.40, 0.50, 0.45, 0.60, 0.52},   // reflex beats the cell's best (s3fifo)
            {"a.trace", "1000", 0.70, 0.68, 0.72, 0.80, 0.696}, // reflex below arc, 0.004 under lru: not below lru
            {"b.csv", "20MB", 0.30, 0.20, 0.25, 0.35, 0.28},    // reflex 0.02 under lru: below lru
    };

    @Test
    void meansAreOverCellsAndTheBestClassicalPolicyHasTheHighestMean() {
        SuiteSummary s = SuiteSummary.of(rows(true, CELLS));

        assertEquals(3, s.cells());
        assertEquals(List.of("lru", "s3fifo", "arc", "belady", "reflex"), List.copyOf(s.meanHitRatio().keySet()));
        assertEquals((0.40 + 0.70 + 0.30) / 3, s.meanHitRatio().get("lru"), EPS);
        assertEquals((0.45 + 0.72 + 0.25) / 3, s.meanHitRatio().get("arc"), EPS);
        assertEquals("arc", s.bestClassicalPolicy(), "arc 0.4733 > lru 0.4667 > s3fifo 0.46");
        assertEquals((0.60 + 0.80 + 0.35) / 3, s.beladyMean(), EPS);
        assertEquals((0.50 + 0.72 + 0.30) / 3, s.perCellBestClassicalMean(), EPS, "s3fifo, arc, lru: the best of each cell");
        assertEquals((0.52 + 0.696 + 0.28) / 3 - (0.45 + 0.72 + 0.25) / 3, s.reflexMinusBestClassicalMean(), EPS);
    }

    @Test
    void reflexIsComparedWithEachCellsBestClassicalPolicyAndWithLruWithHalfAPointOfTolerance() {
        SuiteSummary s = SuiteSummary.of(rows(true, CELLS));

        assertEquals(1, s.cellsReflexGeBestClassical());
        assertEquals(1, s.cellsReflexBelowLru(), "0.004 under LRU is not below it; 0.02 under is");
        assertEquals(0.28 - 0.30, s.worstReflexMinusLru(), EPS);
        assertEquals(0.005, SuiteSummary.BELOW_LRU_TOLERANCE);
    }

    @Test
    void withoutReflexTheReflexFieldsAreNull() {
        SuiteSummary s = SuiteSummary.of(rows(false, CELLS));

        assertFalse(s.meanHitRatio().containsKey("reflex"));
        assertEquals("arc", s.bestClassicalPolicy());
        assertNull(s.reflexMinusBestClassicalMean());
        assertNull(s.cellsReflexGeBestClassical());
        assertNull(s.cellsReflexBelowLru());
        assertNull(s.worstReflexMinusLru());
    }

    @Test
    void clairvoyantAndLearnedPoliciesAreNotClassical() {
        assertTrue(SuiteSummary.isClassical("wtinylfu"));
        assertFalse(SuiteSummary.isClassical("belady"));
        assertFalse(SuiteSummary.isClassical("belady-size"));
        assertFalse(SuiteSummary.isClassical("reflex"));
        SuiteSummary onlyBelady = SuiteSummary.of(List.of(new SuiteSummary.Row("a", "1", "belady", 0.5, 0.5)));
        assertNull(onlyBelady.bestClassicalPolicy());
        assertNull(onlyBelady.perCellBestClassicalMean());
        assertEquals(Map.of("belady", 0.5), onlyBelady.meanHitRatio());
    }

    @Test
    void aCellMissingAPolicyIsRefused() {
        List<SuiteSummary.Row> rows = new ArrayList<>(rows(false, CELLS));
        rows.removeLast();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SuiteSummary.of(rows));

        assertTrue(e.getMessage().contains("b.csv 20MB"), e.getMessage());
    }
}
