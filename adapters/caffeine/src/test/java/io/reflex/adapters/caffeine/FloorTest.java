package io.reflex.adapters.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.eviction.HistoryFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floor under a history-1 model: a learned policy that loses to Caffeine's own W-TinyLFU on
 * live traffic is demoted and the cache then hits as Caffeine does; one that beats it is never
 * demoted; each switch is heard, counted and gauged.
 */
class FloorTest {

    private static final int ENTRIES = 1_000;

    @TempDir
    Path dir;

    private Path mru() {
        return TestPolicies.history(dir.resolve("mru.onnx"), HistoryFeatures.RECENCY, -1f, TestPolicies.SAMPLED_64);
    }

    private static ReflexCache.Builder<Integer, Integer> builder(Path model) {
        return ReflexCache.<Integer, Integer>builder().maximumSize(ENTRIES).model(model).executor(Runnable::run)
                .deadline(Duration.ofSeconds(5));
    }


    private static int[] loop(int keys, int length) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = i % keys;
        }
        return out;
    }

    /** Hits of {@code cache} over {@code keys}: a lookup, and a write on a miss. */
    private static long hits(ReflexCache<Integer, Integer> cache, int[] keys) {
        return hits(cache::getIfPresent, cache::put, keys);
    }

    private static long caffeineHits(int[] keys) {
        Cache<Integer, Integer> cache = Caffeine.newBuilder().maximumSize(ENTRIES).executor(Runnable::run).build();
        return hits(cache::getIfPresent, cache::put, keys);
    }

    private static long hits(java.util.function.Function<Integer, Integer> lookup,
                             java.util.function.BiConsumer<Integer, Integer> write, int[] keys) {
        long hits = 0;
        for (int key : keys) {
            if (lookup.apply(key) != null) {
                hits++;
            } else {
                write.accept(key, key);
            }
        }
        return hits;
    }

    @Test
    void aPolicyFarBelowWTinyLfuIsDemotedWithin10000RequestsAndTheCacheThenHitsAsCaffeineDoes() {
        int[] keys = TestPolicies.zipf(50_000, 0.9, 100_000, 1);
        Path model = mru();
        List<Long> demotedAt = new ArrayList<>();
        long alone;
        try (ReflexCache<Integer, Integer> cache = builder(model).floor(false).build()) {
            alone = hits(cache, keys);
            assertEquals(0, cache.floorDemotions(), "no floor, no switch");
        }
        long floored;
        // The floor is on by default with a history-1 model: nothing to ask for.
        try (ReflexCache<Integer, Integer> cache = builder(model)
                .floorListener((learned, at) -> demotedAt.add(at)).build()) {
            floored = hits(cache, keys);
            assertEquals(1, cache.floorDemotions());
            assertEquals(0, cache.floorPromotions());
            assertFalse(cache.learnedPolicyServes());
            assertTrue(cache.floorWrites() > 0, "writes evicted in Caffeine's order while demoted");
            assertEquals(0, cache.fallbackWrites(), "not counted as model failures");
            cache.cleanUp();
            cache.historyEviction().checkInvariants();
        }
        long caffeine = caffeineHits(keys);
        assertEquals(1, demotedAt.size());
        assertTrue(demotedAt.get(0) <= 10_000, "demoted at request " + demotedAt.get(0));
        assertTrue(Math.abs(floored - caffeine) <= keys.length / 100,
                "within a point of Caffeine: " + floored + " hits against " + caffeine);
        assertTrue(alone < caffeine - keys.length / 5, "the model alone is far below: " + alone + " against " + caffeine);
    }

    @Test
    void theShadowsRunOnTheExecutorAndDemoteAtTheSameRequestAsOnTheCallersThread() throws InterruptedException {
        // Before the first switch the live cache does not depend on the floor, so the floor sees
        // the same sampled requests with the same outcomes however late its replays run.
        int[] keys = TestPolicies.zipf(50_000, 0.9, 30_000, 3);
        Path model = mru();
        List<Long> inline = new ArrayList<>();
        try (ReflexCache<Integer, Integer> cache = builder(model).floor(true)
                .floorListener((learned, at) -> inline.add(at)).build()) {
            hits(cache, keys);
            cache.cleanUp();
        }
        List<Long> offThread = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "reflex-floor-test"));
        try (ReflexCache<Integer, Integer> cache = builder(model).executor(pool).floor(true)
                .floorListener((learned, at) -> {
                    offThread.add(at);
                    threads.add(Thread.currentThread().getName());
                }).build()) {
            hits(cache, keys);
            cache.cleanUp();
            assertEquals(1, cache.floorDemotions());
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(1, inline.size(), "demoted: " + inline);
        assertEquals(inline, offThread, "the same switch at the same request");
        assertTrue(threads.get(0).equals("reflex-floor-test") || threads.get(0).equals(Thread.currentThread().getName()),
                threads.toString());
    }

    @Test
    void aPolicyThatBeatsWTinyLfuOnALoopJustLargerThanTheCacheIsNeverDemoted() {
        int[] keys = loop(ENTRIES + ENTRIES / 10, 50_000);
        Path model = mru();
        long alone;
        try (ReflexCache<Integer, Integer> cache = builder(model).build()) {
            alone = hits(cache, keys);
        }
        try (ReflexCache<Integer, Integer> cache = builder(model).floor(true).build()) {
            assertEquals(alone, hits(cache, keys), "the floor never took an eviction from the model");
            assertEquals(0, cache.floorDemotions());
            assertEquals(0, cache.floorWrites());
            assertTrue(cache.learnedPolicyServes());
        }
        long caffeine = caffeineHits(keys);
        assertTrue(alone > caffeine + keys.length / 50, "MRU beats W-TinyLFU here: " + alone + " against " + caffeine);
    }

    @Test
    void eachSwitchIsHeardCountedAndGauged() {
        // Over 1,100 keys, 100 more than the cache holds: first drawn by Zipf, where MRU evicts
        // the popular keys W-TinyLFU keeps (demoted); then in a loop, where MRU keeps a fixed
        // 1,000 of them while Caffeine's order churns (its miniature wins: promoted).
        int[] zipf = TestPolicies.zipf(ENTRIES + ENTRIES / 10, 1.0, 50_000, 2);
        int[] loop = loop(ENTRIES + ENTRIES / 10, 100_000);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> heard = new ArrayList<>();
        try (ReflexCache<Integer, Integer> cache = builder(mru()).floor(true).meterRegistry(registry).name("floored")
                .floorListener((learned, at) -> heard.add((learned ? "promoted@" : "demoted@") + at)).build()) {
            hits(cache, zipf);
            assertEquals(1, heard.size(), "demoted: " + heard);
            assertEquals(0.0, gauge(registry));
            hits(cache, loop);
            assertEquals(2, heard.size(), "promoted: " + heard);
            assertTrue(heard.get(0).startsWith("demoted@") && heard.get(1).startsWith("promoted@"), heard.toString());
            assertEquals(1.0, registry.get("reflex.caffeine.floor.demotions").tag("cache", "floored").functionCounter().count());
            assertEquals(1.0, registry.get("reflex.caffeine.floor.promotions").tag("cache", "floored").functionCounter().count());
            assertEquals(cache.floorWrites(), registry.get("reflex.caffeine.floor.writes").functionCounter().count());
            assertEquals(1.0, gauge(registry));
            assertEquals(1, cache.floorPromotions());
            assertTrue(cache.learnedPolicyServes());
        }
    }

    private static double gauge(SimpleMeterRegistry registry) {
        return registry.get("reflex.caffeine.floor.learned.serving").tag("cache", "floored").gauge().value();
    }

    @Test
    void refusesAFloorWithoutAHistoryModelAndAListenerWithoutAFloor() {
        Path model = mru();
        IllegalStateException noFloor = assertThrows(IllegalStateException.class,
                () -> builder(model).floor(false).floorListener((learned, at) -> { }).build());
        assertTrue(noFloor.getMessage().contains("floor(false)"), noFloor.getMessage());
        IllegalStateException coldRl = assertThrows(IllegalStateException.class,
                () -> ReflexCache.<Integer, Integer>builder().maximumSize(ENTRIES)
                        .model(TestPolicies.fixedScores(dir.resolve("cold.onnx"), 1f, 2f, 3f, 4f)).floor(true).build());
        assertTrue(coldRl.getMessage().contains("history-1"), coldRl.getMessage());
    }
}
