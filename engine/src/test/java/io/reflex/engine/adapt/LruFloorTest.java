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

/** The LRU floor: a live cache that loses to LRU is demoted and promoted again on its miniature's evidence; one as good as LRU never is. */
class LruFloorTest {

    @TempDir
    Path dir;

    private static ChallengerSwitch rule() {
        return ChallengerSwitch.builder().block(256).window(8).build();
    }

    /** A floor over a cache of {@code entries} whose model's miniature evicts by LRU over its LRU tail. */
    private LruFloor lruModelFloor(int entries) {
        NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("lru-" + entries + ".onnx"), 1f), 8,
                false);
        return LruFloor.withLearnedShadow(1, entries, entries, rule(), loop, EvictionModel.Candidates.LRU, 2);
    }

    @Test
    void aLiveCacheThatLosesToLruIsDemotedWithinTwoWindows() {
        try (LruFloor floor = lruModelFloor(100)) {
            SplittableRandom r = new SplittableRandom(1);
            long demotedAt = -1;
            for (long i = 0; i < 5_000 && floor.learnedServes(); i++) {
                floor.request(r.nextInt(50), 1, false);   // 50 keys fit the LRU; the live cache never hits
                demotedAt = i + 1;
            }
            assertFalse(floor.learnedServes(), "demoted");
            assertEquals(1, floor.demotions());
            assertTrue(demotedAt <= 2 * 8 * 256, "demoted after " + demotedAt + " requests");
        }
    }

    @Test
    void aLiveCacheThatHitsAsLruDoesIsNeverDemoted() {
        try (LruFloor floor = lruModelFloor(1_000)) {
            MiniatureLru live = new MiniatureLru(1_000, 1_000);
            SplittableRandom r = new SplittableRandom(2);
            for (int i = 0; i < 300_000; i++) {
                long key = (long) Math.floor(Math.pow(r.nextDouble(), 3) * 20_000);
                floor.request(key, 1, live.access(key, 1));
            }
            assertTrue(floor.learnedServes());
            assertEquals(0, floor.demotions());
            assertTrue(floor.baselineHits().ratio() > 0.1, "the shadow hit: " + floor.baselineHits().ratio());
        }
    }

    @Test
    void refusesAMissingSwitchOrLoop() {
        NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("lru.onnx"), 1f), 8, false);
        assertThrows(NullPointerException.class, () -> LruFloor.withLearnedShadow(0.5, 100, 100, null, loop,
                EvictionModel.Candidates.LRU, 2));
        assertThrows(NullPointerException.class, () -> LruFloor.withLearnedShadow(0.5, 100, 100, rule(), null,
                EvictionModel.Candidates.LRU, 2));
        loop.close();
    }

    @Test
    void aDemotedPolicyWhoseMiniatureBeatsTheLiveLruIsPromotedOnThatEvidence() {
        // A loop one larger than the cache: the live cache, serving LRU, never hits; the model
        // (MRU over 64 sampled candidates) would keep most of it.
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("mru.onnx"), -1f), 64, false);
             LruFloor floor = LruFloor.withLearnedShadow(1, 100, 100,
                     ChallengerSwitch.builder().block(256).window(8).initial(ChallengerSwitch.Arm.BASELINE).build(),
                     loop, EvictionModel.Candidates.SAMPLED, 2)) {
            MiniatureLru live = new MiniatureLru(100, 100);
            long promotedAt = -1;
            for (long i = 0; i < 20_000 && !floor.learnedServes(); i++) {
                long key = i % 101;
                floor.request(key, 1, live.access(key, 1));
                promotedAt = i + 1;
            }
            assertTrue(floor.learnedServes(), "promoted");
            assertEquals(1, floor.promotions());
            assertTrue(promotedAt <= 2 * 8 * 256, "promoted after " + promotedAt + " requests");
        }
    }

    @Test
    void aDemotedPolicyThatOnlyTiesTheLiveLruIsNeverPromoted() {
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("lru.onnx"), 1f), 8, false);
             LruFloor floor = LruFloor.withLearnedShadow(1, 1_000, 1_000,
                     ChallengerSwitch.builder().block(256).window(8).initial(ChallengerSwitch.Arm.BASELINE).build(),
                     loop, EvictionModel.Candidates.LRU, 2)) {
            MiniatureLru live = new MiniatureLru(1_000, 1_000);
            SplittableRandom r = new SplittableRandom(4);
            for (int i = 0; i < 200_000; i++) {
                long key = (long) Math.floor(Math.pow(r.nextDouble(), 3) * 20_000);
                floor.request(key, 1, live.access(key, 1));
            }
            assertFalse(floor.learnedServes());
            assertEquals(0, floor.promotions());
            assertEquals(live.hits().hits(), floor.learnedShadow().hits().hits(), "LRU over the LRU tail is LRU");
        }
    }

    @Test
    void aHostBaselineReplacesLruAndTheListenerHearsEachSwitchAtItsRequest() {
        // The host's rule hits every request (a stand-in for a better classical rule); the live
        // cache never hits: demoted. Then, on a loop one larger than the cache, the live cache
        // serving the host's rule still never hits while the model's miniature (MRU) does: promoted.
        java.util.List<String> heard = new java.util.ArrayList<>();
        long[] sizes = new long[2];
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("mru.onnx"), -1f), 64, false);
             LruFloor floor = LruFloor.withLearnedShadow(0.5, 200, 200, (capacity, entries) -> {
                 sizes[0] = capacity;
                 sizes[1] = entries;
                 return (fingerprint, weight) -> true;
             }, rule(), loop, EvictionModel.Candidates.SAMPLED, 2,
                     (learned, at) -> heard.add(learned + "@" + at))) {
            assertEquals(100, sizes[0], "capacity scaled by the rate");
            assertEquals(100, sizes[1], "entries scaled by the rate");
            long demotedAt = -1;
            for (long i = 0; i < 10_000 && floor.learnedServes(); i++) {
                floor.request(i % 201, 1, false);
                demotedAt = i + 1;
            }
            assertFalse(floor.learnedServes(), "demoted");
            long promotedAt = -1;
            for (long i = demotedAt; i < 40_000 && !floor.learnedServes(); i++) {
                floor.request(i % 201, 1, false);
                promotedAt = i + 1;
            }
            assertTrue(floor.learnedServes(), "promoted");
            assertEquals(java.util.List.of("false@" + demotedAt, "true@" + promotedAt), heard);
            assertEquals(1.0, floor.baselineHits().ratio());
        }
    }

    @Test
    void aHostThatDecidesSamplingOnceReportsTheSameRequestsAsTheFingerprintPath() {
        // The host's rule hits everything, the model's miniature much of the loop, the live cache
        // nothing: switches both ways, at the same requests whichever way the requests are reported.
        java.util.List<String> byFingerprint = new java.util.ArrayList<>();
        java.util.List<String> byFlag = new java.util.ArrayList<>();
        java.util.List<String> byIndex = new java.util.ArrayList<>();
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("mru.onnx"), -1f), 64, false);
             LruFloor a = LruFloor.withLearnedShadow(0.5, 200, 200, (c, e) -> (f, w) -> true, rule(), loop,
                     EvictionModel.Candidates.SAMPLED, 2, (learned, at) -> byFingerprint.add(learned + "@" + at));
             LruFloor b = LruFloor.withLearnedShadow(0.5, 200, 200, (c, e) -> (f, w) -> true, rule(), loop,
                     EvictionModel.Candidates.SAMPLED, 2, (learned, at) -> byFlag.add(learned + "@" + at));
             // and a host that counts the unsampled requests itself, handing on only the sampled
             // ones with their indices (the Caffeine adapter's queue)
             LruFloor c = LruFloor.withLearnedShadow(0.5, 200, 200, (cap, e) -> (f, w) -> true, rule(), loop,
                     EvictionModel.Candidates.SAMPLED, 2, (learned, at) -> byIndex.add(learned + "@" + at))) {
            for (long i = 0; i < 40_000; i++) {
                long key = i % 201;
                a.request(key, 1, false);
                if (b.sampled(key)) {
                    b.requestSampled(key, 1, false);
                    c.requestSampled(key, 1, false, i + 1);
                } else {
                    b.requestUnsampled();
                }
            }
            long last = c.requests();
            assertThrows(IllegalArgumentException.class, () -> c.requestSampled(0, 1, false, last),
                    "an index not past the requests seen");
            assertTrue(byFingerprint.size() >= 2, "demoted and promoted (the live cache never hits: it flaps): " + byFingerprint);
            assertEquals(byFingerprint, byFlag);
            assertEquals(byFingerprint, byIndex);
            assertEquals(a.requests(), b.requests());
            assertEquals(a.baselineHits().requests(), b.baselineHits().requests());
            assertEquals(a.learnedShadow().hits().hits(), b.learnedShadow().hits().hits());
        }
    }

    @Test
    void aMiniatureRunOnlyWhileDemotedDecidesNothingWhileThePolicyServesAndPairsAfterItsWarmup() {
        // As above: the host's rule hits everything, the live cache nothing (demoted); then the
        // model's miniature (MRU) keeps much of the loop (promoted); then the live cache hits as
        // the host's rule does, and the miniature, stopped, takes no request.
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("mru.onnx"), -1f), 64, false);
             LruFloor floor = LruFloor.withLearnedShadowWhileDemoted(0.5, 200, 200, (c, e) -> (f, w) -> true, rule(),
                     loop, EvictionModel.Candidates.SAMPLED, 2, 2_000, (learned, at) -> { })) {
            long demotedAt = -1;
            for (long i = 0; i < 10_000 && floor.learnedServes(); i++) {
                floor.request(i % 201, 1, false);
                demotedAt = i + 1;
            }
            assertFalse(floor.learnedServes(), "demoted");
            assertEquals(0, floor.learnedShadow().hits().requests(), "no request, so no decision, while it served");
            long sampledAtDemotion = floor.baselineHits().requests();
            long promotedAt = -1;
            for (long i = demotedAt; i < 40_000 && !floor.learnedServes(); i++) {
                floor.request(i % 201, 1, false);
                promotedAt = i + 1;
            }
            assertTrue(floor.learnedServes(), "promoted");
            long sampledWhileDemoted = floor.baselineHits().requests() - sampledAtDemotion;
            assertEquals(sampledWhileDemoted, floor.learnedShadow().hits().requests(), "it ran on every sampled request");
            assertTrue(sampledWhileDemoted > 2_000, "not paired before its warm-up: promoted after " + sampledWhileDemoted);
            long taken = floor.learnedShadow().hits().requests();
            for (long i = promotedAt; i < promotedAt + 10_000; i++) {
                floor.request(i % 201, 1, true);
            }
            assertTrue(floor.learnedServes());
            assertEquals(taken, floor.learnedShadow().hits().requests(), "stopped while the policy serves");
        }
    }

    @Test
    void refusesANegativeWarmup() {
        try (NextAccessLoop loop = RecencyModels.loop(RecencyModels.write(dir.resolve("mru.onnx"), -1f), 64, false)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LruFloor.withLearnedShadowWhileDemoted(0.5, 100, 100, MiniatureLru::new, rule(), loop,
                            EvictionModel.Candidates.SAMPLED, 2, -1, (learned, at) -> { }));
            assertTrue(e.getMessage().contains("-1"), e.getMessage());
        }
    }
}
