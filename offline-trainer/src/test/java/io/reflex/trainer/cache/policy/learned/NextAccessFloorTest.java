package io.reflex.trainer.cache.policy.learned;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.testing.RecencyModels;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceFixtures;
import io.reflex.trainer.cache.policy.PolicyCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A history-1 model served with its LRU floor in the simulator: a model that loses to LRU is held
 * at LRU's hit ratio, and one that beats LRU is left alone.
 */
class NextAccessFloorTest {

    private static final EvictionModel SAMPLED_64 =
            new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 64, false);

    @TempDir
    Path dir;

    /** Evicting the most recently accessed of 64 samples: terrible on Zipf, good on a loop. */
    private Path mru() {
        return RecencyModels.write(dir.resolve("mru.onnx"), -1f);
    }

    private double hitRatio(Trace trace, Capacity capacity, boolean floor, long[] switches) {
        try (NextAccessPolicy p = new NextAccessPolicy(SAMPLED_64, RecencyModels.loop(mru(), 64, false), null, 0, 1,
                floor)) {
            double hitRatio = CacheSimulator.replay(trace, capacity, p, SimulationOptions.defaults()).hitRatio();
            switches[0] = p.floorDemotions();
            switches[1] = p.floorPromotions();
            return hitRatio;
        }
    }

    private static double lru(Trace trace, Capacity capacity) {
        return CacheSimulator.replay(trace, capacity, PolicyCatalog.create("lru", new PolicySetup(trace, capacity, 1)),
                SimulationOptions.defaults()).hitRatio();
    }

    @Test
    void aModelThatLosesToLruIsHeldNearLruByItsFloor() {
        Trace zipf = TraceFixtures.zipfWithScans(200_000, 5);
        Capacity capacity = Capacity.entries(400);
        long[] switches = new long[2];

        double alone = hitRatio(zipf, capacity, false, switches);
        double floored = hitRatio(zipf, capacity, true, switches);
        double lru = lru(zipf, capacity);

        assertTrue(alone < lru - 0.05, "MRU loses to LRU on Zipf: " + alone + " against " + lru);
        assertTrue(switches[0] >= 1, "demoted");
        assertTrue(floored > lru - 0.01, "the floor holds it near LRU: " + floored + " against " + lru);
    }

    @Test
    void aModelThatBeatsLruIsNeverDemoted() {
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            keys.add(i % 501);
        }
        Trace loop = TraceFixtures.keys(keys);
        Capacity capacity = Capacity.entries(500);
        long[] switches = new long[2];

        double alone = hitRatio(loop, capacity, false, switches);
        double floored = hitRatio(loop, capacity, true, switches);

        assertEquals(0, switches[0], "no demotion");
        assertEquals(alone, floored, "the floor changed nothing");
        assertTrue(floored > lru(loop, capacity) + 0.5, "MRU keeps most of a loop LRU misses: " + floored);
    }
}
