package io.reflex.engine.eviction;

import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.testing.RecencyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The next-access loop: the farthest predicted candidate is the victim, admission, and LRU as the fallback. */
class NextAccessLoopTest {

    @TempDir
    Path dir;

    /** A linear model whose prediction is {@code sign} times a row's encoded recency. */
    private Path recencyModel(String name, float sign) {
        return RecencyModels.write(dir.resolve(name), sign);
    }

    private static NextAccessLoop loop(Path model, boolean admission) {
        return RecencyModels.loop(model, 4, admission);
    }

    /** Candidates last accessed at ticks 10, 30, 20 (positions 0..2), the incoming object at now = 100. */
    private static void fill(HistoryFeatures f, AccessHistory h) {
        int[] last = {10, 30, 20};
        for (int j = 0; j < last.length; j++) {
            h.record(j, last[j]);
            f.resident(j, h, j, 100, 1, 0, 0);
        }
        h.record(3, 100);
        f.incoming(3, h, 3, 100, 1);
    }

    @Test
    void theCandidatePredictedFarthestIsTheVictim() {
        try (NextAccessLoop loop = loop(recencyModel("mru.onnx", -1f), false);
             NextAccessLoop.Decider d = loop.newDecider()) {
            fill(d.features(), new AccessHistory(4));

            int victim = d.decide(3, false);

            assertNull(d.lastCause());
            assertEquals(1, victim, "the most recently used scores highest under −recency");
            assertTrue(d.admit(), "no incoming object: nothing to decline");
        }
    }

    @Test
    void equalScoresGoToTheLeastRecentlyAccessedWhateverTheCandidatesOrder() {
        // weight 0 on every column: each row scores the bias alone, so all candidates tie
        try (NextAccessLoop loop = loop(recencyModel("flat.onnx", 0f), false);
             NextAccessLoop.Decider d = loop.newDecider()) {
            AccessHistory h = new AccessHistory(4);
            int[][] orders = {{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {1, 2, 0}};
            int[] last = {10, 30, 20};
            for (int j = 0; j < last.length; j++) {
                h.record(j, last[j]);
            }
            for (int[] order : orders) {
                for (int row = 0; row < order.length; row++) {
                    d.features().resident(row, h, order[row], 100, 1, 0, 0);
                }
                int victim = d.decide(3, false);
                assertNull(d.lastCause());
                assertEquals(0, order[victim], "object 0 (last access 10) for order " + java.util.Arrays.toString(order));
            }
        }
    }

    @Test
    void anIncomingObjectPredictedFartherThanTheVictimIsDeclinedOnlyWhenTheModelAnswersAdmission() {
        Path model = recencyModel("mru.onnx", -1f);
        try (NextAccessLoop loop = loop(model, true); NextAccessLoop.Decider d = loop.newDecider()) {
            fill(d.features(), new AccessHistory(4));
            d.decide(3, true);
            assertFalse(d.admit(), "incoming scores 0, above every candidate's negative score");
        }
        try (NextAccessLoop loop = loop(model, false); NextAccessLoop.Decider d = loop.newDecider()) {
            fill(d.features(), new AccessHistory(4));
            d.decide(3, true);
            assertTrue(d.admit());
        }
        try (NextAccessLoop loop = loop(recencyModel("lru.onnx", 1f), true); NextAccessLoop.Decider d = loop.newDecider()) {
            fill(d.features(), new AccessHistory(4));
            assertEquals(0, d.decide(3, true));
            assertTrue(d.admit(), "an object just requested is predicted sooner than the least recently used");
        }
    }

    @Test
    void withoutAPolicyTheLeastRecentlyUsedGoesAndTheIncomingObjectIsAdmitted() {
        try (NextAccessLoop loop = loop(null, true); NextAccessLoop.Decider d = loop.newDecider()) {
            fill(d.features(), new AccessHistory(4));

            int victim = d.decide(3, true);

            assertEquals(FallbackCause.NO_POLICY, d.lastCause());
            assertEquals(0, victim);
            assertTrue(d.admit());
        }
    }

    @Test
    void victimsComeInEvictionOrderTheDecisionsVictimFirst() {
        try (NextAccessLoop loop = loop(recencyModel("lru.onnx", 1f), false); NextAccessLoop.Decider d = loop.newDecider()) {
            assertThrows(IllegalStateException.class, () -> d.victims(1, new int[1]), "no decision yet");
            fill(d.features(), new AccessHistory(4));
            int victim = d.decide(3, false);
            int[] out = new int[4];

            assertEquals(3, d.victims(4, out), "at most the candidates decided on");
            assertArrayEquals(new int[] {0, 2, 1}, java.util.Arrays.copyOf(out, 3), "last accesses 10, 20, 30: oldest first");
            assertEquals(victim, out[0]);
            assertEquals(2, d.victims(2, out));
            assertArrayEquals(new int[] {0, 2}, java.util.Arrays.copyOf(out, 2));
            assertThrows(IllegalArgumentException.class, () -> d.victims(5, out));
        }
        try (NextAccessLoop loop = loop(recencyModel("mru.onnx", -1f), false); NextAccessLoop.Decider d = loop.newDecider()) {
            fill(d.features(), new AccessHistory(4));
            d.decide(3, false);
            int[] out = new int[3];
            d.victims(3, out);
            assertArrayEquals(new int[] {1, 2, 0}, out, "under -recency the most recently used goes first");
        }
    }

    @Test
    void refusesDecisionsWithoutCandidatesOrBeyondK() {
        try (NextAccessLoop loop = loop(null, false); NextAccessLoop.Decider d = loop.newDecider()) {
            assertThrows(IllegalArgumentException.class, () -> d.decide(0, false));
            assertThrows(IllegalArgumentException.class, () -> d.decide(5, false));
        }
        assertThrows(IllegalStateException.class, () -> NextAccessLoop.builder().build());
        assertThrows(IllegalArgumentException.class, () -> NextAccessLoop.builder().k(65));
    }
}
