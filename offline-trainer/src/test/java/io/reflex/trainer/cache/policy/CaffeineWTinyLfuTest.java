package io.reflex.trainer.cache.policy;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.SimulationOptions;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.cache.policy.product.CaffeineWTinyLfu;
import io.reflex.trainer.workload.ZipfWorkload;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code wtinylfu} rows are the real Caffeine's own counts. */
class CaffeineWTinyLfuTest {

    @Test
    void everyHitIsOneTheRealCaffeineRecordedForTheSameLookups() {
        Trace t = ZipfWorkload.builder().seed(3).requests(50_000).objects(5_000).build().toTrace();
        Capacity c = Capacity.parse("64MB");
        CaffeineWTinyLfu caffeine = new CaffeineWTinyLfu(t.objectCount(), c, t.hasTtls());
        long[] peak = new long[1];

        SimulationResult r = CacheSimulator.replay(t, c, caffeine, SimulationOptions.builder()
                .observer((i, o, hit, used) -> peak[0] = Math.max(peak[0], used)).build());

        CacheStats stats = caffeine.stats();
        assertEquals(t.length(), stats.requestCount());
        assertEquals(stats.hitCount(), r.hits());
        assertTrue(r.hits() > 0 && stats.evictionCount() > 0, stats.toString());
        assertEquals(stats.evictionCount(), r.evictions());
        assertTrue(peak[0] <= c.value(), "weighted size " + peak[0] + " over " + c.value());
        assertTrue(peak[0] > c.value() / 2, "the weigher counts bytes: peak " + peak[0]);
    }

    @Test
    void anEntryCapacityIsCaffeinesMaximumSize() {
        Trace t = ZipfWorkload.builder().seed(4).requests(20_000).objects(2_000).build().toTrace();
        CaffeineWTinyLfu caffeine = new CaffeineWTinyLfu(t.objectCount(), Capacity.entries(100), false);
        long[] peak = new long[1];

        CacheSimulator.replay(t, Capacity.entries(100), caffeine, SimulationOptions.builder()
                .observer((i, o, hit, used) -> peak[0] = Math.max(peak[0], used)).build());

        assertEquals(100, peak[0]);
    }

    @Test
    void caffeineExpiresEntriesOnTheTracesClock() {
        TraceBuilder b = new TraceBuilder();
        b.request(1, 1000.0, 100, 10, Double.NaN); // cached for 10 s
        b.request(1, 1005.0, 100, 10, Double.NaN); // hit
        b.request(1, 1011.0, 100, 10, Double.NaN); // expired: miss, cached again until 1021
        b.request(1, 1020.0, 100, 10, Double.NaN); // hit
        Trace t = b.build("ttl");
        CaffeineWTinyLfu caffeine = new CaffeineWTinyLfu(t.objectCount(), Capacity.parse("1MB"), true);

        SimulationResult r = CacheSimulator.replay(t, Capacity.parse("1MB"), caffeine);

        assertEquals(2, r.hits());
        assertEquals(2, caffeine.stats().hitCount());
    }
}
