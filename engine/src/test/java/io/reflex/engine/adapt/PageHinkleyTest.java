package io.reflex.engine.adapt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Page-Hinkley on hit streams: quiet while the hit ratio holds, an alarm soon after it moves. */
class PageHinkleyTest {

    private static double hit(SplittableRandom r, double p) {
        return r.nextDouble() < p ? 1 : 0;
    }

    @Test
    void aHitRatioThatHoldsRaisesNoAlarmOverTwoMillionRequests() {
        for (double p : new double[] {0.05, 0.5, 0.9}) {
            PageHinkley test = PageHinkley.builder().build();
            SplittableRandom r = new SplittableRandom(7);
            for (int i = 0; i < 2_000_000; i++) {
                assertNull(test.add(hit(r, p)), "hit ratio " + p + ", request " + i);
            }
            assertEquals(0, test.alarms());
        }
    }

    @Test
    void aFallOfFivePointsIsSignalledWithinTwiceItsExpectedDelay() {
        List<long[]> alarms = new ArrayList<>();
        PageHinkley test = PageHinkley.builder()
                .listener((change, at, mean) -> alarms.add(new long[] {change.ordinal(), at})).build();
        SplittableRandom r = new SplittableRandom(8);
        for (int i = 0; i < 100_000; i++) {
            test.add(hit(r, 0.60));
        }
        assertEquals(0, test.alarms(), "stable before the change");
        long expected = Math.round(200 / (0.05 - 0.01));   // λ / (Δ − δ)
        PageHinkley.Change change = null;
        long after = 0;
        while (change == null && after < 10 * expected) {
            change = test.add(hit(r, 0.55));
            after++;
        }
        assertEquals(PageHinkley.Change.FELL, change);
        assertTrue(after <= 2 * expected, "signalled " + after + " requests after the change; expected about " + expected);
        assertEquals(1, alarms.size());
        assertEquals(100_000 + after, alarms.getFirst()[1], "the listener hears the sample it fired at");
    }

    @Test
    void aRiseIsSignalledAsARise() {
        PageHinkley test = PageHinkley.builder().build();
        SplittableRandom r = new SplittableRandom(9);
        for (int i = 0; i < 50_000; i++) {
            test.add(hit(r, 0.3));
        }
        PageHinkley.Change change = null;
        for (int i = 0; i < 20_000 && change == null; i++) {
            change = test.add(hit(r, 0.4));
        }
        assertEquals(PageHinkley.Change.ROSE, change);
    }

    @Test
    void refusesNonFiniteSamplesAndSettingsOutOfRange() {
        PageHinkley test = PageHinkley.builder().build();
        assertThrows(IllegalArgumentException.class, () -> test.add(Double.NaN));
        assertEquals(0, test.samples(), "a refused sample is not counted");
        assertThrows(IllegalArgumentException.class, () -> PageHinkley.builder().delta(-1));
        assertThrows(IllegalArgumentException.class, () -> PageHinkley.builder().lambda(0));
        assertThrows(IllegalArgumentException.class, () -> PageHinkley.builder().minSamples(0));
    }
}
