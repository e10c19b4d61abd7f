package io.reflex.engine.adapt;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.testing.RecencyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The learned policy in miniature evicts as its model says, on the keys and capacity it is given. */
class MiniatureNextAccessTest {

    @TempDir
    Path dir;

    @Test
    void aModelThatEvictsTheLeastRecentlyAccessedOfTheLruTailHitsExactlyAsLru() {
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("lru.onnx"), 1f), 8, false);
             MiniatureNextAccess learned = new MiniatureNextAccess(loop, EvictionModel.Candidates.LRU, 300, 300, 2)) {
            MiniatureLru lru = new MiniatureLru(300, 300);
            SplittableRandom r = new SplittableRandom(3);
            for (int tick = 0; tick < 50_000; tick++) {
                long key = (long) Math.floor(Math.pow(r.nextDouble(), 3) * 3_000);
                assertEquals(lru.access(key, 1), learned.access(key, 1, tick), "request " + tick + " for key " + key);
            }
            assertEquals(300, learned.size());
            assertTrue(learned.hits().ratio() > 0.2, "it hit: " + learned.hits().ratio());
        }
    }

    @Test
    void aModelThatEvictsTheMostRecentlyAccessedHoldsALoopThatLruMissesEntirely() {
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("mru.onnx"), -1f), 64, false);
             MiniatureNextAccess learned = new MiniatureNextAccess(loop, EvictionModel.Candidates.SAMPLED, 100, 100, 2)) {
            MiniatureLru lru = new MiniatureLru(100, 100);
            for (int tick = 0; tick < 20_000; tick++) {
                long key = tick % 101;
                lru.access(key, 1);
                learned.access(key, 1, tick);
            }
            assertEquals(0, lru.hits().hits(), "a loop one larger than the cache defeats LRU");
            assertTrue(learned.hits().ratio() > 0.5, "sampled MRU keeps most of the loop: " + learned.hits().ratio());
        }
    }

    @Test
    void weightsCountAgainstTheCapacityAndAKeyHeavierThanItIsNotCached() {
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("lru.onnx"), 1f), 4, false);
             MiniatureNextAccess learned = new MiniatureNextAccess(loop, EvictionModel.Candidates.LRU, 100, 50, 2)) {
            assertFalse(learned.access(1, 60, 0));
            assertFalse(learned.access(2, 60, 1));
            assertEquals(60, learned.used(), "the second evicted the first to fit");
            assertFalse(learned.contains(1));
            assertFalse(learned.access(3, 101, 2));
            assertFalse(learned.contains(3), "heavier than the whole capacity");
            assertTrue(learned.access(2, 60, 3));
            assertThrows(IllegalArgumentException.class, () -> learned.access(4, 0, 4));
        }
    }
}
