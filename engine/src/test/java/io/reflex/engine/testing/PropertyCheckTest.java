package io.reflex.engine.testing;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The property loop itself: its tries, edge cases, ranges, seeds and failure report. */
class PropertyCheckTest {

    private record Draw(int small, long wide, double decimal, boolean flag, String choice, List<Integer> list) {
    }

    private static Draw draw(PropertyCheck.Gen g) {
        return new Draw(g.ints(-3, 7), g.anyLong(), g.decimal(0.05, 1), g.bool(), g.of("a", "b", "c"),
                g.list(1, 4, x -> x.ints(10, 20)));
    }

    private static List<Draw> run(int tries) {
        List<Draw> draws = new ArrayList<>();
        PropertyCheck.tries(tries).seed(5).forAll(PropertyCheckTest::draw, draws::add);
        return draws;
    }

    @Test
    void runsEveryTryAndStartsWithTheLowTheHighAndTheNearestToZeroEdges() {
        List<Draw> draws = run(200);

        assertEquals(200, draws.size());
        assertEquals(new Draw(-3, Long.MIN_VALUE, 0.05, false, "a", List.of(10)), draws.get(0));
        assertEquals(new Draw(7, Long.MAX_VALUE, 1.0, true, "c", List.of(20, 20, 20, 20)), draws.get(1));
        assertEquals(new Draw(0, 0, 0.05, false, "a", List.of(10)), draws.get(2));
    }

    @Test
    void randomTriesStayInTheirRangesReachEveryValueAndKeepTwoDecimalPlaces() {
        Set<Integer> smalls = new HashSet<>();
        Set<Integer> sizes = new HashSet<>();
        for (Draw d : run(2_000).subList(3, 2_000)) {
            assertTrue(d.small() >= -3 && d.small() <= 7, d.toString());
            assertTrue(d.decimal() >= 0.05 && d.decimal() <= 1, d.toString());
            assertEquals(Math.round(d.decimal() * 100) / 100.0, d.decimal(), d.toString());
            assertTrue(d.list().stream().allMatch(v -> v >= 10 && v <= 20), d.toString());
            smalls.add(d.small());
            sizes.add(d.list().size());
        }
        assertEquals(11, smalls.size(), "every int of the range: " + smalls);
        assertEquals(Set.of(1, 2, 3, 4), sizes);
    }

    @Test
    void theSameSeedDrawsTheSameInputs() {
        assertEquals(run(100), run(100));
    }

    @Test
    void aFailureNamesThePropertyTheTryItsSeedAndTheInput() {
        AssertionError e = assertThrows(AssertionError.class, () -> PropertyCheck.tries(100).seed(40).forAll(
                g -> new int[] {g.ints(0, 1_000)}, a -> assertTrue(a[0] < 1_000, "too big")));

        // The high-bound edge case is the second try, seed 40 + 1.
        assertTrue(e.getMessage().startsWith("property PropertyCheckTest."
                + "aFailureNamesThePropertyTheTryItsSeedAndTheInput failed on try 2 of 100"
                + " (seed 41, edge case: every value at its high bound)"), e.getMessage());
        assertTrue(e.getMessage().contains("input: [1000]"), e.getMessage());
        assertTrue(e.getMessage().contains("too big"), e.getMessage());
        assertTrue(assertInstanceOf(AssertionError.class, e.getCause()).getMessage().startsWith("too big"));
    }

    @Test
    void describesRecordsArraysAndListsElementByElement() {
        record Input(float[] row, List<byte[]> frames) {
        }

        assertEquals("Input[row=[1.5, -0.0], frames=[[1, 2], []]]",
                PropertyCheck.describe(new Input(new float[] {1.5f, -0f}, List.of(new byte[] {1, 2}, new byte[0]))));
    }
}
