package io.reflex.engine.eviction;

import io.reflex.engine.onnx.MlpGraph;
import io.reflex.engine.onnx.OnnxModelWriter;
import io.reflex.engine.policy.Policy;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.engine.runtime.TestModels;
import io.reflex.engine.testing.AllocationWindows;
import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Cold-RL eviction loop: features, the victim mask, and LRU as the fallback. */
class EvictionLoopTest {

    @TempDir
    Path dir;

    private static void fill(EvictionCandidates c, long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        c.clear();
        for (int i = 0; i < n; i++) {
            c.next().ageSeconds(r.nextDouble() * 7200).sizeBytes(1024 + r.nextDouble() * 800_000).hits(r.nextInt(50))
                    .interArrivalSeconds(r.nextDouble() * 3600)
                    .ttlSeconds(i % 5 == 0 ? Double.POSITIVE_INFINITY : r.nextDouble() * 86_400 - 600)
                    .rttMillis(50 + r.nextDouble() * 20);
        }
    }

    @Test
    void encodesEachFeatureAsTheDocumentedLogarithm() {
        EvictionCandidates c = new EvictionCandidates(4);
        c.next().ageSeconds(86_400).sizeBytes(1L << 30).hits(1_000).interArrivalSeconds(59).ttlSeconds(-5)
                .rttMillis(10_000);
        c.next().ageSeconds(0).sizeBytes(0).hits(0).interArrivalSeconds(0).ttlSeconds(Double.POSITIVE_INFINITY)
                .rttMillis(0);
        float[] out = new float[24];
        java.util.Arrays.fill(out, 7f);

        new EvictionFeatures(4).encode(c, out, 0);

        assertEquals(1.0, out[0], 1e-5, "a day-old object has age feature 1");
        assertEquals(1.0, out[1], 1e-5, "a 1 GiB object has size feature 1");
        assertEquals(1.0, out[2], 1e-5, "1,000 hits give hit feature 1");
        assertEquals(Math.log1p(59) / Math.log1p(86_400), out[3], 1e-5);
        assertEquals(0.0, out[4], 1e-6, "an expired object has TTL feature 0");
        assertEquals(1.0, out[5], 1e-5, "a 10 s origin RTT gives RTT feature 1");
        assertEquals(1.0, out[10], 0.0, "an object without TTL has TTL feature 1");
        for (int i = 12; i < 24; i++) {
            assertEquals(0f, out[i], "positions beyond the candidate count are zero rows");
        }
    }

    @Test
    void theVictimMaskIsNeverEmptyAndOnlyCoversCandidates() {
        PropertyCheck.tries(200).forAll(g -> g.list(1, 64, x -> x.floats(-10, 10)), scores -> {
            float[] s = new float[scores.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = scores.get(i);
            }

            long mask = VictimMask.decode(s, 0, s.length);

            assertNotEquals(0L, mask);
            assertEquals(0L, s.length == 64 ? 0L : mask >>> s.length, "no bit beyond the candidates");
            for (int i = 0; i < s.length; i++) {
                if (s[i] > 0) {
                    assertTrue((mask & (1L << i)) != 0, "a positive score is a victim");
                }
            }
        });
    }

    @Test
    void theLruScoresDecodeToTheLeastRecentlyUsedCandidateAlone() {
        PropertyCheck.tries(50).forAll(g -> g.ints(1, 64), k -> {
            float[] s = new float[k];
            VictimMask.lruScores(s, 0, k);

            assertEquals(1L, VictimMask.decode(s, 0, k));
        });
    }

    @Test
    void decidesWithThePoliciesScoresOfTheEncodedFeatures() throws Exception {
        Path model = dir.resolve("q.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(3, 96, 64, 64, 17)).fixedBatch(1).write(model);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(model).accepted());
        try (EvictionLoop loop = EvictionLoop.builder().k(16).store(store).deadline(Duration.ofSeconds(1)).build();
             EvictionLoop.Decider decider = loop.newDecider();
             Policy reference = PolicyLoader.defaults().load(model);
             Policy.Evaluator e = reference.newEvaluator()) {
            for (int seed = 0; seed < 20; seed++) {
                fill(decider.candidates(), seed, 3 + seed % 14);

                long mask = decider.decide();

                assertNull(decider.lastCause());
                assertNotNull(decider.lastVersion());
                float[] features = new float[96];
                new EvictionFeatures(16).encode(decider.candidates(), features, 0);
                float[] q = new float[16];
                e.evaluate(features, q);
                assertEquals(VictimMask.decode(q, 0, decider.candidates().count()), mask);
            }
        }
    }

    /** The class Javadoc's promise: a decider "allocates nothing per decision", for either layout. */
    @Test
    void decidingAllocatesNothingOnceWarm() throws Exception {
        Path joint = dir.resolve("alloc-joint.onnx");
        OnnxModelWriter.of(MlpGraph.randomDueling(3, 96, 32, 32, 17)).fixedBatch(1).write(joint);
        Path rows = dir.resolve("alloc-rows.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(4, io.reflex.engine.onnx.Activation.RELU, 12, 16, 16, 2))
                .fixedBatch(1).write(rows);
        for (Path model : List.of(joint, rows)) {
            PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
            assertTrue(store.offer(model).accepted());
            try (EvictionLoop loop = EvictionLoop.builder().k(16).store(store).deadline(Duration.ofSeconds(1)).build();
                 EvictionLoop.Decider decider = loop.newDecider()) {
                long[] decisions = {0};
                long allocated = allocatedDeciding(decider, decisions);
                assertTrue(allocated < 1024, () -> model.getFileName() + ": " + allocated + " bytes over 5,000 decisions");
                assertEquals(decisions[0], loop.runtime().metrics().policyDecisions(), "the policy made every decision");
            }
        }
    }

    /**
     * Bytes the calling thread allocates over 5,000 decisions once the JIT has compiled the path;
     * {@code decisions[0]} counts every decision made.
     */
    private static long allocatedDeciding(EvictionLoop.Decider decider, long[] decisions) throws Exception {
        EvictionCandidates[] sets = new EvictionCandidates[8];
        for (int s = 0; s < sets.length; s++) {
            sets[s] = new EvictionCandidates(16);
            fill(sets[s], s, 4 + s);
        }
        long[] sink = {0};
        AllocationWindows.Window window = () -> {
            for (int i = 0; i < 5_000; i++) {
                sink[0] += decideCopy(decider, sets[i & 7]);
            }
            decisions[0] += 5_000;
        };
        // Paced by the JIT, not a count: the model's vectors are boxed until C2 compiles the path.
        AllocationWindows.untilQuiet(window, 1024, 400);
        long allocated = AllocationWindows.bytesOf(window);
        assertNotEquals(0, sink[0]);
        return allocated;
    }

    /** Refills the decider's candidates from {@code from} (as a host does each decision) and decides. */
    private static long decideCopy(EvictionLoop.Decider decider, EvictionCandidates from) {
        EvictionCandidates c = decider.candidates();
        c.clear();
        for (int i = 0; i < from.count(); i++) {
            c.next().ageSeconds(from.ageSeconds[i]).sizeBytes(from.sizeBytes[i]).hits(from.hits[i])
                    .interArrivalSeconds(from.interArrivalSeconds[i]).ttlSeconds(from.ttlSeconds[i])
                    .rttMillis(from.rttMillis[i]);
        }
        return decider.decide();
    }

    @Test
    void aCandidateRowsModelIsWarmedBeforeItServesSoTheDefaultDeadlineDoesNotLockItOut() throws Exception {
        // Cold, per-row evaluation runs interpreted for hundreds of microseconds: without its own
        // warm-up the first decisions breach 500 µs, the breaker opens, and its rare probes never
        // run often enough to get the code compiled (every later decision falls back).
        Path model = dir.resolve("cold-rows.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(9, io.reflex.engine.onnx.Activation.RELU,
                EvictionFeatures.ROW_WIDTH, 32, 32, 2)).fixedBatch(1).write(model);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(model).accepted());
        try (EvictionLoop loop = EvictionLoop.builder().k(16).store(store).build();
             EvictionLoop.Decider decider = loop.newDecider()) {
            for (int i = 0; i < 5_000; i++) {
                fill(decider.candidates(), i, 16);
                assertNotEquals(0L, decider.decide());
            }
            long byPolicy = loop.runtime().metrics().policyDecisions();
            assertTrue(byPolicy > 2_500, () -> "decided by the policy: " + byPolicy + " of 5000; fallbacks "
                    + loop.runtime().metrics().totalFallbacks());
        }
    }

    @Test
    void aCandidateRowsModelScoresEachCandidateRowAndTheLoopAggregatesDuelingQValues() throws Exception {
        Path model = dir.resolve("rows.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(4, io.reflex.engine.onnx.Activation.RELU, 12, 16, 16, 2))
                .fixedBatch(1).write(model);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(model).accepted());
        try (EvictionLoop loop = EvictionLoop.builder().k(32).store(store).deadline(Duration.ofSeconds(1)).build();
             EvictionLoop.Decider decider = loop.newDecider();
             Policy reference = PolicyLoader.defaults().load(model);
             Policy.Evaluator e = reference.newEvaluator()) {
            assertEquals(EvictionLoop.Layout.CANDIDATE_ROWS, loop.layout(), "the layout is the serving model's");
            for (int seed = 0; seed < 20; seed++) {
                int n = 1 + seed % 32;
                fill(decider.candidates(), seed, n);

                long mask = decider.decide();

                assertNull(decider.lastCause());
                float[] joint = new float[32 * 6];
                new EvictionFeatures(32).encode(decider.candidates(), joint, 0);
                float[] q = new float[n];
                float[] va = new float[2];
                float value = 0;
                float advantage = 0;
                float[] a = new float[n];
                float[] context = new float[6];
                for (int i = 0; i < n; i++) {
                    for (int f = 0; f < 6; f++) {
                        context[f] += joint[i * 6 + f] / n;
                    }
                }
                for (int i = 0; i < n; i++) {
                    float[] row = new float[12];
                    System.arraycopy(joint, i * 6, row, 0, 6);
                    System.arraycopy(context, 0, row, 6, 6);
                    e.evaluate(row, va);
                    value += va[0] / n;
                    advantage += va[1] / n;
                    a[i] = va[1];
                }
                for (int i = 0; i < n; i++) {
                    q[i] = value + a[i] - advantage;
                    assertEquals(q[i], decider.score(i), 1e-4f * Math.max(1f, Math.abs(q[i])), "candidate " + i);
                }
                assertEquals(VictimMask.decode(q, 0, n), mask);
            }
        }
    }

    @Test
    void aCandidateRowsLoopFallsBackToTheLeastRecentlyUsedCandidateAlone() {
        PolicyStore empty = PolicyStore.create(PolicyLoader.defaults(), List.of());
        try (EvictionLoop loop = EvictionLoop.builder().k(16).layout(EvictionLoop.Layout.CANDIDATE_ROWS).store(empty).build();
             EvictionLoop.Decider decider = loop.newDecider()) {
            for (int n = 1; n <= 16; n++) {
                fill(decider.candidates(), n, n);

                assertEquals(1L, decider.decide(), n + " candidates");
                assertEquals(FallbackCause.NO_POLICY, decider.lastCause());
            }
        }
    }

    @Test
    void aJointModelSwappedIntoACandidateRowsLoopFallsBackAsTheWrongShape() throws Exception {
        Path rows = dir.resolve("rows.onnx");
        Path joint = dir.resolve("joint.onnx");
        OnnxModelWriter.of(MlpGraph.randomChain(4, io.reflex.engine.onnx.Activation.RELU, 12, 8, 2)).fixedBatch(1).write(rows);
        OnnxModelWriter.of(MlpGraph.randomDueling(3, 96, 16, 17)).fixedBatch(1).write(joint);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(rows).accepted());
        try (EvictionLoop loop = EvictionLoop.builder().k(16).store(store).build();
             EvictionLoop.Decider decider = loop.newDecider()) {
            assertTrue(store.offer(joint).accepted());
            fill(decider.candidates(), 3, 16);

            assertEquals(1L, decider.decide());
            assertEquals(FallbackCause.WRONG_SHAPE, decider.lastCause());
        }
    }

    @Test
    void fallsBackToLruWhenThePolicyReturnsNaN() {
        Path model = TestModels.alwaysNaN(dir.resolve("nan.onnx"), 5, 96, 16);
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of());
        assertTrue(store.offer(model).accepted(), "without canary inputs the store cannot see the NaN");
        try (EvictionLoop loop = EvictionLoop.builder().store(store).deadline(Duration.ofSeconds(1)).build();
             EvictionLoop.Decider decider = loop.newDecider()) {
            fill(decider.candidates(), 1, 16);

            long mask = decider.decide();

            assertEquals(1L, mask, "LRU evicts the least recently used candidate");
            assertEquals(FallbackCause.NON_FINITE_OUTPUT, decider.lastCause());
            assertNull(decider.lastVersion());
        }
    }

    @Test
    void fallsBackToLruWhenNoModelIsLoaded() {
        PolicyStore empty = PolicyStore.create(PolicyLoader.defaults(), List.of());
        try (EvictionLoop loop = EvictionLoop.builder().k(8).store(empty).build();
             EvictionLoop.Decider decider = loop.newDecider()) {
            fill(decider.candidates(), 2, 5);

            assertEquals(1L, decider.decide());
            assertEquals(FallbackCause.NO_POLICY, decider.lastCause());
        }
    }

    @Test
    void refusesADecisionWithoutCandidatesAndInvalidCandidateValues() {
        PolicyStore empty = PolicyStore.create(PolicyLoader.defaults(), List.of());
        try (EvictionLoop loop = EvictionLoop.builder().k(4).store(empty).build();
             EvictionLoop.Decider decider = loop.newDecider()) {
            assertThrows(IllegalStateException.class, decider::decide);
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                    () -> decider.candidates().next().ageSeconds(-1).sizeBytes(10).hits(0).interArrivalSeconds(0)
                            .ttlSeconds(1).rttMillis(1));
            assertEquals("candidate 0 has an invalid ageSeconds: -1.0", bad.getMessage());
            // the refused value leaves the feature unset: the decision names it instead of using it
            IllegalStateException unset = assertThrows(IllegalStateException.class, decider::decide);
            assertTrue(unset.getMessage().contains("candidate 0 has no ageSeconds"), unset.getMessage());
            // a feature forgotten is refused as well, at the next candidate
            EvictionCandidates c = decider.candidates();
            c.clear();
            c.next().ageSeconds(1).sizeBytes(10).hits(0).interArrivalSeconds(1).ttlSeconds(1);
            IllegalStateException forgotten = assertThrows(IllegalStateException.class, c::next);
            assertTrue(forgotten.getMessage().contains("candidate 0 has no rttMillis"), forgotten.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> EvictionLoop.builder().k(65));
    }
}
