package io.reflex.adapters.caffeine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.eviction.HistoryFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A history-1 cache watching its hit ratio: quiet while the traffic holds, an event when it changes for good. */
class OutcomeDriftTest {


    @TempDir
    Path dir;

    /** LRU over 64 sampled candidates: any sane policy will do, the test is about the hit stream. */
    private ReflexCache<Integer, Integer> cache(SimpleMeterRegistry registry) {
        Path model = TestPolicies.history(dir.resolve("lru.onnx"), HistoryFeatures.RECENCY, 1f, TestPolicies.SAMPLED_64);
        return ReflexCache.<Integer, Integer>builder().maximumSize(1_000).model(model).executor(Runnable::run)
                .deadline(Duration.ofSeconds(5)).outcomeDrift(true).name("drift").meterRegistry(registry).build();
    }

    /** A lookup, and a write on a miss. */
    private static void request(ReflexCache<Integer, Integer> cache, int key) {
        if (cache.getIfPresent(key) == null) {
            cache.put(key, key);
        }
    }

    /** Keys of a skewed stream over 5,000 keys: a 1,000-entry cache hits about half of them. */
    private static int skewed(SplittableRandom r) {
        return (int) (Math.pow(r.nextDouble(), 3) * 5_000);
    }

    @Test
    void aSteadyStreamRaisesNoEventAndAStreamThatStopsHittingRaisesAFall() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReflexCache<Integer, Integer> cache = cache(registry)) {
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < 20_000; i++) {
                request(cache, skewed(r));   // an empty cache warming up: its hit ratio rises, which may be said
            }
            long warm = cache.hitRatioChanges();
            assertEquals(0, cache.hitRatioFalls());
            for (int i = 0; i < 300_000; i++) {
                request(cache, skewed(r));
            }
            assertEquals(warm, cache.hitRatioChanges(), "steady traffic");

            for (int i = 0; i < 20_000; i++) {
                request(cache, 1_000_000 + i);   // a scan: nothing hits
            }
            assertEquals(warm + 1, cache.hitRatioChanges());
            assertEquals(1, cache.hitRatioFalls());
            assertEquals(1.0, registry.get("reflex.caffeine.hit.ratio.changes").tag("change", "fell").functionCounter()
                    .count());
            assertEquals(warm, registry.get("reflex.caffeine.hit.ratio.changes").tag("change", "rose").functionCounter()
                    .count());
        }
    }

    @Test
    void isRefusedWithACacheThatDoesNotSeeEveryRequestInOrder() {
        Path coldRl = TestPolicies.dueling(dir.resolve("joint.onnx"), 1, 16);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ReflexCache.<Integer, Integer>builder()
                .maximumSize(100).model(coldRl).outcomeDrift(true).build());
        assertTrue(e.getMessage().contains("outcomeDrift(true) needs a history-1 model"), e.getMessage());
    }
}
