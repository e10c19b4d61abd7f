package io.reflex.engine.adapt;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.NextAccessLoop;
import io.reflex.engine.testing.RecencyModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A challenger in shadow: it wins only when its miniature beats the live cache with confidence on
 * the same requests, never during its warm-up, and it is fed nothing after its win.
 */
class ChallengerShadowTest {

    private static final int ENTRIES = 100;

    @TempDir
    Path dir;

    /** A live LRU of the same size serves; the challenger is the model at {@code file}; on a loop one larger than the cache. */
    private List<Long> runOnALoop(Path file, EvictionModel.Candidates candidates, int requests, long warmup) {
        List<Long> wins = new ArrayList<>();
        try (NextAccessLoop loop = RecencyModels.loop(file, candidates == EvictionModel.Candidates.SAMPLED ? 64 : 8, false);
             ChallengerShadow shadow = new ChallengerShadow(loop, candidates, ENTRIES, ENTRIES, 2, warmup,
                     LruFloor.DEFAULT_Z, (at, lead, discordant) -> wins.add(at))) {
            MiniatureLru live = new MiniatureLru(ENTRIES, ENTRIES);
            for (int tick = 0; tick < requests; tick++) {
                long key = tick % (ENTRIES + 1);
                int before = wins.size();
                boolean won = shadow.request(key, 1, live.access(key, 1), tick);
                assertEquals(won ? before + 1 : before, wins.size(), "a win is heard once, when it happens");
            }
            if (shadow.won()) {
                assertTrue(shadow.challengerHits().hits() > shadow.liveHits().hits(), "it led when it won");
            }
            assertEquals(0, live.hits().hits(), "a loop one larger than the cache defeats the live LRU");
        }
        return wins;
    }

    @Test
    void aChallengerThatBeatsTheLiveCacheWinsAfterItsWarmUpAndWithinABoundedNumberOfSamples() {
        List<Long> wins = runOnALoop(RecencyModels.write(dir.resolve("mru.onnx"), -1f), EvictionModel.Candidates.SAMPLED,
                20_000, 500);
        assertEquals(1, wins.size());
        // ChallengerSwitch's defaults: blocks of 1,024 samples; a lead this large crosses the bound at a block's end.
        assertTrue(wins.getFirst() % 1_024 == 0 && wins.getFirst() <= 2 * 1_024, "won at paired sample " + wins.getFirst());
    }

    @Test
    void aChallengerNoBetterThanTheLiveCacheNeverWins() {
        // The least recently accessed of the LRU tail is LRU itself: the same outcome on every request, no lead, no win.
        assertEquals(List.of(), runOnALoop(RecencyModels.write(dir.resolve("lru.onnx"), 1f), EvictionModel.Candidates.LRU,
                60_000, 0));
    }

    @Test
    void theWarmUpIsNotPairedAndANegativeOneIsRefused() {
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("mru.onnx"), -1f), 64, false);
             ChallengerShadow shadow = new ChallengerShadow(loop, EvictionModel.Candidates.SAMPLED, ENTRIES, ENTRIES, 2, 3_000,
                     LruFloor.DEFAULT_Z, (at, lead, discordant) -> { })) {
            for (int tick = 0; tick < 3_000; tick++) {
                assertFalse(shadow.request(tick % (ENTRIES + 1), 1, false, tick));
            }
            assertEquals(3_000, shadow.sampled());
            assertEquals(0, shadow.liveHits().requests(), "nothing paired during the warm-up");
            assertThrows(IllegalArgumentException.class, () -> new ChallengerShadow(loop, EvictionModel.Candidates.SAMPLED,
                    ENTRIES, ENTRIES, 2, -1, LruFloor.DEFAULT_Z, (at, lead, discordant) -> { }));
        }
    }
}
