package io.reflex.adapters.caffeine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shadow evaluation of a challenger in the adapter: a challenger that beats the live cache on the
 * floor's sampled keys is swapped in; one that does not is never swapped in; a challenger the cache
 * could not serve is refused at once, naming the file.
 */
class ChallengerTest {

    private static final int ENTRIES = 1_000;

    @TempDir
    Path dir;

    /** Evicts the most recently accessed of 64 sampled residents: keeps most of a loop a little larger than the cache. */
    private Path mru() {
        return TestPolicies.history(dir.resolve("mru.onnx"), HistoryFeatures.RECENCY, -1f, TestPolicies.SAMPLED_64);
    }

    /** Evicts the least recently accessed of 64 sampled residents: about as LRU, which a loop defeats. */
    private Path lru() {
        return TestPolicies.history(dir.resolve("lru.onnx"), HistoryFeatures.RECENCY, 1f, TestPolicies.SAMPLED_64);
    }

    private static ReflexCache<Integer, Integer> cache(Path model, SimpleMeterRegistry registry) {
        return ReflexCache.<Integer, Integer>builder().maximumSize(ENTRIES).model(model).floor(true).executor(Runnable::run)
                .deadline(Duration.ofSeconds(5)).meterRegistry(registry).build();
    }

    /** Hits over a loop of {@code ENTRIES + 50} keys, {@code requests} long. */
    private static long loop(ReflexCache<Integer, Integer> cache, int from, int requests) {
        long hits = 0;
        for (int i = from; i < from + requests; i++) {
            int key = i % (ENTRIES + 50);
            if (cache.getIfPresent(key) != null) {
                hits++;
            } else {
                cache.put(key, key);
            }
        }
        return hits;
    }

    private static String served(ReflexCache<Integer, Integer> cache) {
        return cache.nextAccessLoop().runtime().store().version().orElseThrow().file().getFileName().toString();
    }

    @Test
    void aChallengerThatBeatsTheLiveCacheIsSwappedInAndCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReflexCache<Integer, Integer> cache = cache(lru(), registry)) {
            long before = loop(cache, 0, 20_000);
            cache.challenge(mru());
            assertEquals(Optional.of(dir.resolve("mru.onnx").toString()), cache.challenger());
            loop(cache, 20_000, 60_000);
            assertEquals(1, cache.challengerWins());
            assertEquals(Optional.empty(), cache.challenger(), "its evaluation is over");
            assertEquals("mru.onnx", served(cache));
            assertEquals(1.0, registry.get("reflex.caffeine.challenger.wins").functionCounter().count());
            long after = loop(cache, 80_000, 20_000);
            assertTrue(after > before, "the challenger hits more: " + after + " against " + before + " per 20,000");
            cache.cleanUp();
            cache.historyEviction().checkInvariants();
        }
    }

    @Test
    void aChallengerNoBetterThanTheLiveCacheIsNeverSwappedIn() {
        try (ReflexCache<Integer, Integer> cache = cache(mru(), new SimpleMeterRegistry())) {
            loop(cache, 0, 5_000);
            cache.challenge(lru());
            loop(cache, 5_000, 100_000);
            assertEquals(0, cache.challengerWins());
            assertEquals("mru.onnx", served(cache));
            assertEquals(Optional.of(dir.resolve("lru.onnx").toString()), cache.challenger(), "still in the shadow");
        }
    }

    @Test
    void aChallengerItCannotServeIsRefusedNamingTheFile() {
        Path joint = TestPolicies.history(dir.resolve("k16.onnx"), HistoryFeatures.RECENCY, 1f,
                new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 16, false));
        try (ReflexCache<Integer, Integer> cache = cache(mru(), new SimpleMeterRegistry())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.challenge(joint));
            assertTrue(e.getMessage().contains("k16.onnx"), e.getMessage());
        }
        try (ReflexCache<Integer, Integer> noFloor = ReflexCache.<Integer, Integer>builder().maximumSize(ENTRIES).model(mru())
                .floor(false).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> noFloor.challenge(lru()));
            assertTrue(e.getMessage().contains("floor(false)"), e.getMessage());
        }
    }
}
