package io.reflex.harness.product;

import io.reflex.adapters.caffeine.ReflexCache;
import io.reflex.compute.VectorCpuBackend;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceFixtures;
import io.reflex.trainer.cache.policy.learned.LearnedEvictionPolicy;
import io.reflex.trainer.cache.policy.learned.NextAccessPolicy;
import io.reflex.trainer.rl.NextAccessTraining;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One seeded replay (Zipf with scans, 50,000 requests, 200 entries) through the simulator's
 * {@link NextAccessPolicy} and through the Caffeine adapter ({@code reflex-caffeine}) serving the
 * same trained history-1 model: the hit ratios agree within 0.01, for sampled candidates with
 * admission and for the K least recently used without. The adapter's bounded history, its request
 * clock and its own LRU order are what differ from the simulator's unbounded arrays; given ghosts
 * enough for every object of the trace, the adapter hits exactly where the simulator does.
 */
class HistoryModelParityTest {

    private static final double TOLERANCE = 0.01;

    @TempDir
    Path dir;

    private Path train(EvictionModel.Candidates candidates, boolean admission, String name) {
        Trace train = TraceFixtures.zipfWithScans(30_000, 101);
        Path model = dir.resolve(name);
        NextAccessTraining.trainAndExport(train, List.of(Capacity.entries(200)), new NextAccessTraining.Settings(16,
                candidates, admission, 2, false, 400, new int[] {16, 16}, 400, 128, 3e-3f, 1), new VectorCpuBackend(), model, null);
        return model;
    }

    private static long simulatedHits(Path model, Trace trace, Capacity c) {
        try (LearnedEvictionPolicy p = LearnedEvictionPolicy.load(model, 0)) {
            assertInstanceOf(NextAccessPolicy.class, p);
            return CacheSimulator.replay(trace, c, p).hits();
        }
    }

    private static long adapterHits(Path model, Trace trace, Capacity c) {
        try (ReflexCaffeineCache cache = new ReflexCaffeineCache(trace, c, model)) {
            long hits = CacheSimulator.replay(trace, c, cache).hits();
            assertEquals(0, cache.fallbackWrites(), "every decision the model's");
            return hits;
        }
    }

    /**
     * The adapter driven directly, as an application would, with {@code ghosts} per resident, the
     * model alone ({@code floor(false)}): the simulator's policy has no floor to compare with.
     */
    private static long directHits(Path model, Trace trace, Capacity c, int ghosts) {
        return directHits(model, trace, c, ghosts, 1);
    }

    private static long directHits(Path model, Trace trace, Capacity c, int ghosts, int victimsPerDecision) {
        try (ReflexCache<Integer, Integer> cache = ReflexCache.<Integer, Integer>builder().model(model)
                .maximumSize(c.value()).ghostsPerResident(ghosts).victimsPerDecision(victimsPerDecision).floor(false)
                .executor(Runnable::run).deadline(Duration.ofMillis(50)).build()) {
            long hits = 0;
            for (int i = 0; i < trace.length(); i++) {
                Integer key = trace.object(i);
                if (cache.getIfPresent(key) != null) {
                    hits++;
                } else {
                    cache.put(key, 1);
                }
            }
            return hits;
        }
    }

    @Test
    void theSimulatorAndTheAdapterAgreeOnTheHitRatioOfATrainedHistoryModel() {
        Trace trace = TraceFixtures.zipfWithScans(50_000, 7);
        Capacity c = Capacity.entries(200);
        // Enough ghosts for every object of the trace: no history is ever forgotten.
        int everyObject = (int) Math.ceil(trace.objectCount() / (double) c.value());
        for (Object[] variant : new Object[][] {{EvictionModel.Candidates.SAMPLED, true}, {EvictionModel.Candidates.LRU, false}}) {
            EvictionModel.Candidates candidates = (EvictionModel.Candidates) variant[0];
            boolean admission = (boolean) variant[1];
            Path model = train(candidates, admission, candidates.value() + ".onnx");
            double simulated = simulatedHits(model, trace, c) / (double) trace.length();
            double adapter = adapterHits(model, trace, c) / (double) trace.length();
            System.out.printf("history-1 %s, admission %s, %d requests, %s: simulator %.4f, adapter %.4f%n",
                    candidates.value(), admission, trace.length(), c, simulated, adapter);
            assertTrue(Math.abs(simulated - adapter) <= TOLERANCE, candidates.value() + ": simulator " + simulated
                    + ", adapter " + adapter);
            assertEquals(simulatedHits(model, trace, c), directHits(model, trace, c, everyObject),
                    candidates.value() + ": with a history for every object, the adapter makes the simulator's every decision");
        }
    }

    @Test
    void evictingEightPerDecisionTheAdapterStillMakesTheSimulatorsEveryDecision() {
        Trace trace = TraceFixtures.zipfWithScans(50_000, 7);
        Capacity c = Capacity.entries(200);
        int everyObject = (int) Math.ceil(trace.objectCount() / (double) c.value());
        Path model = train(EvictionModel.Candidates.SAMPLED, true, "sampled8.onnx");
        long simulated;
        long decisions;
        try (LearnedEvictionPolicy p = LearnedEvictionPolicy.load(model, 0, 8)) {
            simulated = CacheSimulator.replay(trace, c, p).hits();
            decisions = p.decisions();
        }
        long one = simulatedHits(model, trace, c);
        System.out.printf("history-1 sampled, 8 victims per decision: %d hits (%d decisions), one per decision %d hits%n",
                simulated, decisions, one);

        assertEquals(simulated, directHits(model, trace, c, everyObject, 8),
                "the adapter's victims per decision are the simulator's, decision for decision");
    }
}
