package io.reflex.trainer.rl;

import io.reflex.engine.explore.EpsilonGreedy;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.HitHistory;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transitions and rewards from tiny hand-made traces, replayed under pure LRU (ε = 0). */
class TransitionRewardsTest {

    /** Unit-size objects (1 byte, so a byte capacity of N holds N objects), one request per second. */
    private static Trace trace(String keys, double ttl) {
        TraceBuilder b = new TraceBuilder();
        for (int i = 0; i < keys.length(); i++) {
            b.request(Character.toString(keys.charAt(i)), i, 1, ttl, 10);
        }
        return b.build("hand-made");
    }

    private static TransitionSet replay(Trace t, int capacity, double costDiscount) {
        TransitionRecorder rec = new TransitionRecorder(t, EvictionTraining.K, new EpsilonGreedy(0, 1), costDiscount, 0.5);
        CacheSimulator.replay(t, Capacity.bytes(capacity), rec);
        return rec.transitions();
    }

    @Test
    void retainedCandidateEarnsOneWhenItsNextRequestHitsAndTheVictimCostsItsFutureMiss() {
        // capacity 2: A B | C evicts A (LRU), keeps B; B hits at 3; A returns at 4 and misses.
        Trace t = trace("ABCBA", 0);
        TransitionSet s = replay(t, 2, 0.5);

        assertEquals(2, s.size());
        // decision 0 (at C): candidates [A, B], victim A. B's next request (3) is a hit: Cold-RL 1.
        assertEquals(0, s.action(0));
        assertEquals(1L, s.victimMask(0));
        assertEquals(2, s.candidateCount(0));
        assertEquals(1f, s.coldRlReward(0));
        // A comes back at request 4, after decision 1 (taken at request 4 itself, so 0 decisions in between).
        assertEquals(-1f, s.reward(0));
        // decision 1 (at A, request 4): candidates [C, B] (C least recent), victim C; neither is requested again.
        assertEquals(0f, s.coldRlReward(1));
        assertEquals(0f, s.reward(1));
        assertTrue(s.done(1));
        assertEquals(1f, s.propensity(0));
    }

    @Test
    void retainedCandidateEvictedBeforeItsNextRequestEarnsNothing() {
        // capacity 2: A B | C evicts A, keeps B; D evicts B (LRU); B returns at 4: a miss, so B earned 0 at decision 0.
        Trace t = trace("ABCDB", 0);
        TransitionSet s = replay(t, 2, 0.5);

        assertEquals(3, s.size());
        assertEquals(0f, s.coldRlReward(0));
        assertEquals(0f, s.reward(0));          // A never returns
        assertEquals(-1f, s.reward(1));         // B evicted at decision 1 (request 3), back at request 4: decision 2 is at 4
        assertEquals(0f, s.coldRlReward(1));
    }

    @Test
    void victimReturningOnlyAfterItsExpiryCostsNothingAndLaterMissesAreDiscounted() {
        // TTL 3 s: A (t=0) expires at 3; evicted at t=2 (C), requested again at t=5: after expiry, no cost.
        Trace expiring = trace("ABCDEA", 3);
        TransitionSet e = replay(expiring, 2, 0.5);
        assertEquals(0f, e.reward(0));

        // No TTL: A evicted at decision 0 (request 2), returns at request 5 after decisions 1 (D) and 2 (E).
        Trace lasting = trace("ABCDEA", 0);
        TransitionSet l = replay(lasting, 2, 0.5);
        assertEquals(-0.25f, l.reward(0));   // 0.5^2: two decisions came between the eviction and the miss
    }

    @Test
    void statesAreTheEnginesEncodingOfTheCandidatesInLruOrder() {
        Trace t = trace("ABCBA", 0);
        TransitionSet s = replay(t, 2, 0.5);
        float[] state = s.state(0);
        assertEquals(96, state.length);
        // candidate 0 = A: admitted at 0, decision at 2 -> age 2 s; candidate 1 = B: age 1 s.
        assertEquals((float) (Math.log1p(2) / Math.log1p(86_400)), state[0], 1e-6f);
        assertEquals((float) (Math.log1p(1) / Math.log1p(86_400)), state[6], 1e-6f);
        // size 1 byte, no TTL (feature 1), RTT 10 ms
        assertEquals((float) (Math.log1p(1) / (30 * Math.log(2))), state[1], 1e-6f);
        assertEquals(1f, state[4]);
        assertEquals((float) (Math.log1p(10) / Math.log1p(10_000)), state[5], 1e-6f);
        assertArrayEquals(new float[6], java.util.Arrays.copyOfRange(state, 12, 18));
    }

    @Test
    void withAHitHistoryTheHitCountFeatureSurvivesEviction() {
        // capacity 2: A A A B | C evicts A (3 requests), D evicts B, A returns (evicts C), E: candidates [D, A].
        Trace t = trace("AAABCDAE", 0);
        int k = EvictionTraining.K;
        int width = k * io.reflex.engine.eviction.EvictionFeatures.PER_CANDIDATE;
        for (int history : new int[] {HitHistory.OFF, 0}) {
            TransitionRecorder rec = new TransitionRecorder(t, k, new EpsilonGreedy(0, 1), 0.98, 0.5, null, history);
            CacheSimulator.replay(t, Capacity.bytes(2), rec);
            TransitionSet s = rec.transitions();
            assertEquals(4, s.size());
            float[] state = s.state(3);
            // candidate 1 is A; the hit-count column is ln(1 + hits) / ln(1 + 1000)
            double hits = Math.expm1(state[io.reflex.engine.eviction.EvictionFeatures.PER_CANDIDATE + 2] * Math.log1p(1_000));
            assertEquals(history == 0 ? 4.0 : 0.0, hits, 1e-3, "history " + history);
            assertEquals(width, s.stateWidth());
        }
    }

    @Test
    void anEvictionCostShiftsEveryCandidatesCostAndNothingElse() {
        Trace t = trace("ABCBADCAB", 0);
        TransitionRecorder plain = new TransitionRecorder(t, 4, new EpsilonGreedy(0, 1), 0.5, 0.5, null,
                HitHistory.OFF, null, 0);
        CacheSimulator.replay(t, Capacity.bytes(2), plain);
        TransitionRecorder costly = new TransitionRecorder(t, 4, new EpsilonGreedy(0, 1), 0.5, 0.5, null,
                HitHistory.OFF, null, 0.25);
        CacheSimulator.replay(t, Capacity.bytes(2), costly);
        TransitionSet a = plain.transitions();
        TransitionSet b = costly.transitions();
        assertEquals(a.size(), b.size());
        for (int d = 0; d < a.size(); d++) {
            assertEquals(a.action(d), b.action(d));
            assertEquals(a.coldRlReward(d), b.coldRlReward(d));
            for (int j = 0; j < a.candidateCount(d); j++) {
                assertEquals(a.candidateReward(d, j) - 0.25f, b.candidateReward(d, j), 1e-6);
            }
        }
    }
}
