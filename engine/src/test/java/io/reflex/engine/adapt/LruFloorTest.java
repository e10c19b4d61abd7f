package io.reflex.engine.adapt;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LRU floor: a live cache that loses to LRU is demoted, tried again after its probation, and one as good as LRU never is. */
class LruFloorTest {

    private static ChallengerSwitch rule() {
        return ChallengerSwitch.builder().block(256).window(8).build();
    }

    @Test
    void aLiveCacheThatLosesToLruIsDemotedThenTriedAgainAfterADoublingProbation() {
        LruFloor floor = new LruFloor(1, 100, 100, rule(), 10_000, 40_000);
        SplittableRandom r = new SplittableRandom(1);
        long demotedAt = -1;
        for (long i = 0; i < 5_000 && floor.learnedServes(); i++) {
            floor.request(r.nextInt(50), 1, false);   // 50 keys fit the LRU; the live cache never hits
            demotedAt = i + 1;
        }
        assertFalse(floor.learnedServes(), "demoted");
        assertEquals(1, floor.demotions());
        assertTrue(demotedAt <= 2 * 8 * 256, "demoted after " + demotedAt + " requests");

        for (int i = 0; i < 9_999; i++) {
            floor.request(r.nextInt(50), 1, true);    // while LRU serves the live cache says nothing of the model
        }
        assertFalse(floor.learnedServes(), "still on probation");
        floor.request(r.nextInt(50), 1, true);
        floor.request(r.nextInt(50), 1, true);
        assertTrue(floor.learnedServes(), "tried again after 10,000 requests");
        assertEquals(1, floor.trials());
        assertEquals(20_000, floor.nextProbation(), "doubled for the next demotion");
    }

    @Test
    void aLiveCacheThatHitsAsLruDoesIsNeverDemoted() {
        LruFloor floor = new LruFloor(1, 1_000, 1_000, rule(), 10_000, 40_000);
        MiniatureLru live = new MiniatureLru(1_000, 1_000);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 300_000; i++) {
            long key = (long) Math.floor(Math.pow(r.nextDouble(), 3) * 20_000);
            floor.request(key, 1, live.access(key, 1));
        }
        assertTrue(floor.learnedServes());
        assertEquals(0, floor.demotions());
        assertTrue(floor.shadow().hitRatio() > 0.1, "the shadow hit: " + floor.shadow().hitRatio());
    }

    @Test
    void refusesAProbationThatIsNotOne() {
        assertThrows(IllegalArgumentException.class, () -> new LruFloor(0.5, 100, 100, rule(), 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new LruFloor(0.5, 100, 100, rule(), 20, 10));
        assertThrows(NullPointerException.class, () -> new LruFloor(0.5, 100, 100, null, 10, 10));
    }
}
