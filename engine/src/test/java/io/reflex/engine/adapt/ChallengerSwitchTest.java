package io.reflex.engine.adapt;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The baseline-challenger rule on synthetic outcome streams whose switch points are known. */
class ChallengerSwitchTest {

    private record Event(ChallengerSwitch.Arm arm, long at) {
    }

    /** {@code n} samples in which the challenger hits with probability pc and the baseline, independently, pb. */
    private static void feed(ChallengerSwitch s, SplittableRandom r, int n, double pc, double pb) {
        for (int i = 0; i < n; i++) {
            s.record(r.nextDouble() < pc, r.nextDouble() < pb);
        }
    }

    @Test
    void aChallengerThatIsBetterIsNeverDemotedOverALongStationaryStream() {
        for (long seed = 1; seed <= 3; seed++) {
            ChallengerSwitch s = ChallengerSwitch.builder().build();
            feed(s, new SplittableRandom(seed), 2_000_000, 0.51, 0.50);
            assertEquals(0, s.switches(), "seed " + seed + ": a 1-point better challenger kept serving");
            assertEquals(ChallengerSwitch.Arm.CHALLENGER, s.serving());
        }
    }

    /**
     * Arms of equal worth: z = 3 lets a deviation through about once per 740 checks per side, and
     * a switch back needs a 2z deviation the other way, so switches stay rare (about 1,950 checks here).
     */
    @Test
    void armsOfEqualWorthSwitchRarely() {
        ChallengerSwitch s = ChallengerSwitch.builder().build();
        feed(s, new SplittableRandom(11), 2_000_000, 0.5, 0.5);
        assertTrue(s.switches() <= 6, "switches " + s.switches());
    }

    @Test
    void aChallengerThatStartsLosingIsDemotedWithinAWindowAndPromotedWhenItWinsAgain() {
        List<Event> events = new ArrayList<>();
        ChallengerSwitch s = ChallengerSwitch.builder().block(1_024).window(16)
                .listener((arm, at, lead, bound) -> events.add(new Event(arm, at))).build();
        SplittableRandom r = new SplittableRandom(7);
        int windowSamples = 16 * 1_024;
        feed(s, r, 200_000, 0.52, 0.50);
        assertEquals(List.of(), events, "no switch while the challenger wins");

        feed(s, r, 100_000, 0.45, 0.50);   // the change: the challenger loses 5 points
        assertEquals(1, events.size(), () -> "events " + events);
        assertEquals(ChallengerSwitch.Arm.BASELINE, events.getFirst().arm());
        long delay = events.getFirst().at() - 200_000;
        assertTrue(delay <= windowSamples + 1_024, "demoted " + delay + " samples after the change");

        feed(s, r, 100_000, 0.55, 0.50);   // it wins again
        assertEquals(2, events.size(), () -> "events " + events);
        assertEquals(ChallengerSwitch.Arm.CHALLENGER, events.get(1).arm());
        assertTrue(events.get(1).at() - 300_000 <= windowSamples + 1_024, "promoted at " + events.get(1).at());
        assertEquals(ChallengerSwitch.Arm.CHALLENGER, s.serving());
    }

    @Test
    void noSwitchBeforeTheWindowHoldsEnoughDiscordantSamples() {
        ChallengerSwitch s = ChallengerSwitch.builder().block(10).window(4).minDiscordant(30).build();
        for (int i = 0; i < 20; i++) {
            s.record(false, true);   // 20 straight losses: a lead of -20 against a bound of 3·√20
        }
        assertEquals(ChallengerSwitch.Arm.CHALLENGER, s.serving(), "20 discordant samples, 30 needed");
        for (int i = 0; i < 10; i++) {
            s.record(false, true);
        }
        assertEquals(ChallengerSwitch.Arm.BASELINE, s.serving());
        assertEquals(-30, s.windowLead());
    }

    @Test
    void refusesSettingsThatAreNotARule() {
        assertThrows(IllegalArgumentException.class, () -> ChallengerSwitch.builder().block(0));
        assertThrows(IllegalArgumentException.class, () -> ChallengerSwitch.builder().window(0));
        assertThrows(IllegalArgumentException.class, () -> ChallengerSwitch.builder().z(0));
        assertThrows(IllegalArgumentException.class, () -> ChallengerSwitch.builder().z(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> ChallengerSwitch.builder().minDiscordant(0));
        assertThrows(NullPointerException.class, () -> ChallengerSwitch.builder().initial(null));
    }
}
