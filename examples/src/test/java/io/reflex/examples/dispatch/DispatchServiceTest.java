package io.reflex.examples.dispatch;

import io.reflex.engine.matching.Branch;
import io.reflex.engine.matching.CandidateScorer;
import io.reflex.engine.matching.MatchingState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dispatcher keeps its shift within ρ of greedy dispatch, whatever its scorer does. */
class DispatchServiceTest {

    /** Declines every ride it can: the worst a scorer can do to earnings. */
    private static final CandidateScorer DECLINE_EVERYTHING = (rows, candidates, features, scores) -> {
        for (int r = 0; r < rows; r++) {
            scores[r] = candidates[r] == MatchingState.SKIP ? 1 : 0;
        }
    };

    private static List<Driver> drivers(SplittableRandom random) {
        List<Driver> drivers = new ArrayList<>();
        for (int d = 0; d < 8; d++) {
            drivers.add(new Driver("d" + d, 10 * random.nextDouble(), 10 * random.nextDouble(), 2));
        }
        return drivers;
    }

    @Test
    void aScorerThatDeclinesEverythingStillEarnsRhoTimesGreedy() {
        SplittableRandom random = new SplittableRandom(4);
        DispatchService service = new DispatchService(drivers(random), DECLINE_EVERYTHING, 40, 1.5, 4, 0.8, 0, 60);
        service.startShift();
        Dispatch last = null;
        int byExpert = 0;
        for (int r = 0; r < 60; r++) {
            last = service.dispatch(new RideRequest("r" + r, 10 * random.nextDouble(), 10 * random.nextDouble(),
                    5 + 35 * random.nextDouble()));
            assertTrue(last.guaranteeMargin() >= -1e-9, "margin " + last.guaranteeMargin());
            assertTrue(last.reward() >= last.floor() - 1e-9);
            if (last.branch() == Branch.EXPERT) {
                byExpert++;
                assertNotNull(last.driver(), "the expert only overrides a decline to send a driver");
            } else {
                assertNull(last.driver());
            }
        }
        assertTrue(byExpert > 0, "the switch had to step in");
        assertTrue(last.greedyReward() > 0);
        assertEquals(60, service.learnedDecisions() + service.expertDecisions());
    }

    @Test
    void aFarAwayRequestIsDeclinedWithoutValue() {
        List<Driver> one = List.of(new Driver("d0", 0, 0, 1));
        DispatchService service = new DispatchService(one, DECLINE_EVERYTHING, 40, 1.5, 4, 0.8, 0, 10);

        Dispatch d = service.dispatch(new RideRequest("far", 9, 9, 30));

        assertNull(d.driver());
        assertEquals(0, d.value());
        assertEquals(0, d.greedyReward(), "greedy cannot reach it either");
    }
}
