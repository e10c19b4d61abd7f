package io.reflex.trainer.rl;

import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.onnx.OnnxModel;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.PolicyStore;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import io.reflex.trainer.cache.policy.learned.LearnedEvictionPolicy;
import io.reflex.trainer.cache.policy.learned.NextAccessPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Relaxed-Belady training of a history-1 model, and the model it exports as the simulator serves it. */
class NextAccessTrainingTest {

    @TempDir
    Path dir;

    /** A loop over 300 keys with a few popular keys interleaved: LRU at 100 entries hits nearly nothing. */
    private static Trace loopWithHotKeys(int requests, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TraceBuilder b = new TraceBuilder(requests);
        int loop = 0;
        for (int i = 0; i < requests; i++) {
            long key = random.nextInt(5) == 0 ? 1_000 + random.nextInt(10) : loop++ % 300;
            b.request(key, Double.NaN, TraceBuilder.NO_SIZE, Double.NaN, Double.NaN);
        }
        return b.build("loop-with-hot-keys");
    }

    private static NextAccessTraining.Settings small(long seed, boolean admission) {
        return new NextAccessTraining.Settings(16, EvictionModel.Candidates.SAMPLED, admission, 2, false, 400, new int[] {16, 16},
                400, 128, 3e-3f, seed);
    }

    private static double hitRatio(Path model, Trace trace, Capacity c) {
        try (LearnedEvictionPolicy p = LearnedEvictionPolicy.load(model, 0)) {
            assertInstanceOf(NextAccessPolicy.class, p);
            return CacheSimulator.replay(trace, c, p).hitRatio();
        }
    }

    @Test
    void aModelTrainedOnALoopKeepsPartOfItWhereLruKeepsNothing() {
        Trace train = loopWithHotKeys(12_000, 1);
        Trace test = loopWithHotKeys(12_000, 2);
        Capacity c = Capacity.entries(100);
        Path model = dir.resolve("loop.onnx");

        NextAccessTraining.Result r = NextAccessTraining.trainAndExport(train, List.of(c), small(1, true),
                new VectorCpuBackend(), model, null);

        double lru = CacheSimulator.replay(test, c, PolicyCatalog.create("lru", new PolicySetup(test, c, 1))).hitRatio();
        double learned = hitRatio(model, test, c);
        assertTrue(r.rows() > 1_000, "rows " + r.rows());
        assertTrue(learned > lru + 0.15, "learned " + learned + " against LRU " + lru);
    }

    @Test
    void aServedModelEvictingEightPerDecisionDecidesAnEighthAsOftenAndStillBeatsLru() {
        Trace train = loopWithHotKeys(12_000, 1);
        Trace test = loopWithHotKeys(12_000, 2);
        Capacity c = Capacity.entries(100);
        Path model = dir.resolve("loop8.onnx");
        NextAccessTraining.Settings settings = small(1, false);
        NextAccessTraining.trainAndExport(train, List.of(c), settings, new VectorCpuBackend(), model, null);

        Served one = serve(model, settings, test, c, 1);
        Served eight = serve(model, settings, test, c, 8);
        double lru = CacheSimulator.replay(test, c, PolicyCatalog.create("lru", new PolicySetup(test, c, 1))).hitRatio();

        long evictions = eight.result().evictions();
        assertTrue(evictions <= 8 * eight.decisions() && eight.decisions() * 6 < one.decisions(),
                "decisions " + one.decisions() + " (one victim each) and " + eight.decisions() + " (up to eight) for "
                        + evictions + " evictions");
        assertTrue(eight.result().hitRatio() > lru + 0.1, "eight per decision " + eight.result().hitRatio() + ", one "
                + one.result().hitRatio() + ", LRU " + lru);
    }

    private record Served(SimulationResult result, long decisions) {
    }

    private static Served serve(Path model, NextAccessTraining.Settings s, Trace trace, Capacity c, int victims) {
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
        assertTrue(store.offer(model).accepted());
        NextAccessLoop loop = NextAccessLoop.builder().k(s.k()).store(store).noDeadline().build();
        try (NextAccessPolicy p = new NextAccessPolicy(s.contract(), loop, null, 0, victims)) {
            SimulationResult r = CacheSimulator.replay(trace, c, p);
            return new Served(r, p.decisions());
        }
    }

    @Test
    void theSameTraceAndSettingsWriteTheSameModelBytesWithTheContractInTheMetadata() throws Exception {
        Trace train = loopWithHotKeys(6_000, 3);
        List<Capacity> caps = List.of(Capacity.entries(50), Capacity.entries(150));
        Path a = dir.resolve("a.onnx");
        Path b = dir.resolve("b.onnx");

        NextAccessTraining.trainAndExport(train, caps, small(7, false), new VectorCpuBackend(), a, null);
        NextAccessTraining.trainAndExport(train, caps, small(7, false), new VectorCpuBackend(), b, null);

        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        EvictionModel contract = EvictionModel.of(OnnxModel.read(a).metadata(), a);
        assertEquals(new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 16, false), contract);
    }

    @Test
    void refusesACapacityWithNothingToEvict() {
        Trace tiny = loopWithHotKeys(500, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NextAccessTraining.trainAndExport(
                tiny, List.of(Capacity.entries(10_000)), small(1, true), new VectorCpuBackend(), dir.resolve("x.onnx"), null));
        assertTrue(e.getMessage().contains("no eviction decisions"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new NextAccessTraining.Settings(65,
                EvictionModel.Candidates.LRU, false, 1, false, 1, new int[] {8}, 1, 1, 1e-3f, 1));
    }

    @Test
    void withRoundSelectionTheExportedModelIsTheRoundWhoseModelReplayedBest() {
        Trace train = loopWithHotKeys(12_000, 3);
        Capacity c = Capacity.entries(100);
        NextAccessTraining.Settings d = small(1, false);
        NextAccessTraining.Settings settings = new NextAccessTraining.Settings(d.k(), d.candidates(), d.admission(), 3,
                true, d.decisionsPerReplay(), d.hidden(), d.steps(), d.batch(), d.learningRate(), d.seed());
        Path model = dir.resolve("selected.onnx");

        NextAccessTraining.Result r = NextAccessTraining.trainAndExport(train, List.of(c), settings,
                new VectorCpuBackend(), model, null);

        double[] perRound = r.roundHitRatios();
        assertEquals(3, perRound.length);
        double best = java.util.Arrays.stream(perRound).max().orElseThrow();
        assertEquals(best, perRound[r.selectedRound() - 1], "the selected round replayed best: "
                + java.util.Arrays.toString(perRound));
        // this trace and seed make round 2's model the better one, so an earlier round is written back
        assertEquals(2, r.selectedRound(), java.util.Arrays.toString(perRound));
        assertEquals(perRound[r.selectedRound() - 1], hitRatio(model, train, c),
                "the file is that round's model: it replays the training trace to the same hit ratio");
    }

    @Test
    void withoutRoundSelectionTheLastRoundIsExportedAndOnlyTheEarlierRoundsAreReplayed() {
        NextAccessTraining.Result r = NextAccessTraining.trainAndExport(loopWithHotKeys(6_000, 4),
                List.of(Capacity.entries(100)), small(1, false), new VectorCpuBackend(), dir.resolve("last.onnx"), null);

        assertEquals(2, r.selectedRound());
        assertTrue(r.roundHitRatios()[0] > 0, java.util.Arrays.toString(r.roundHitRatios()));
        assertTrue(Double.isNaN(r.roundHitRatios()[1]), "the last round's model is not replayed");
    }

    @Test
    void theModelCarriesTheProfileOfTheRowsItMetInItsOwnReplay() {
        Trace train = loopWithHotKeys(12_000, 5);
        Capacity c = Capacity.entries(100);
        NextAccessTraining.Settings d = small(1, false);
        NextAccessTraining.Settings settings = new NextAccessTraining.Settings(d.k(), d.candidates(), d.admission(), 2,
                true, d.decisionsPerReplay(), d.hidden(), d.steps(), d.batch(), d.learningRate(), d.seed());
        Path model = dir.resolve("profiled.onnx");
        NextAccessTraining.trainAndExport(train, List.of(c), settings, new VectorCpuBackend(), model, null);
        io.reflex.engine.adapt.FeatureProfile profile = io.reflex.engine.adapt.FeatureProfile
                .fromMetadata(OnnxModel.read(model).metadata(), model).orElseThrow();
        assertEquals(HistoryFeatures.WIDTH, profile.columns());

        // every row of every decision the served model makes on its trace, in one window
        float[] rows = new float[(d.k() + 1) * HistoryFeatures.WIDTH];
        io.reflex.engine.adapt.InputDrift served = io.reflex.engine.adapt.InputDrift.builder(profile).window(100)
                .build();
        io.reflex.engine.adapt.InputDrift[] whole = new io.reflex.engine.adapt.InputDrift[1];
        List<float[]> seen = new java.util.ArrayList<>();
        NextAccessPolicy.Observer observer = (tick, objects, n, incoming, in, features, history) -> {
            int total = incoming ? n + 1 : n;
            features.encode(total, total, rows, 0);
            for (int r = 0; r < total; r++) {
                seen.add(java.util.Arrays.copyOfRange(rows, r * HistoryFeatures.WIDTH, (r + 1) * HistoryFeatures.WIDTH));
            }
        };
        try (NextAccessLoop loop = NextAccessLoop.builder().k(d.k()).store(store(model)).noDeadline().build();
             NextAccessPolicy p = new NextAccessPolicy(settings.contract(), loop, observer, 0)) {
            CacheSimulator.replay(train, c, p);
        }
        whole[0] = io.reflex.engine.adapt.InputDrift.builder(profile).window(seen.size()).build();
        seen.forEach(row -> whole[0].observe(row, 0));
        for (int col = 0; col < profile.columns(); col++) {
            // under 0.1, the common reading of "stable"; the profile is a reservoir of 400 decisions
            assertTrue(whole[0].psi(col) < 0.1, "column " + col + ": PSI " + whole[0].psi(col));
        }
        // the rows of another workload sit elsewhere
        seen.clear();
        try (NextAccessLoop loop = NextAccessLoop.builder().k(d.k()).store(store(model)).noDeadline().build();
             NextAccessPolicy p = new NextAccessPolicy(settings.contract(), loop, observer, 0)) {
            CacheSimulator.replay(io.reflex.trainer.cache.TraceFixtures.zipfWithScans(12_000, 6), c, p);
        }
        seen.forEach(row -> served.observe(row, 0));
        assertTrue(served.alarms() > 0, "another workload drifts");
    }

    private static PolicyStore store(Path model) {
        PolicyStore store = PolicyStore.create(PolicyLoader.defaults(), List.of(), Duration.ZERO);
        assertTrue(store.offer(model).accepted());
        return store;
    }
}
