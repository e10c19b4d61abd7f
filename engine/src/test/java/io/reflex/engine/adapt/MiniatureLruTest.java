package io.reflex.engine.adapt;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shadow LRU: exactly LRU, by count or by weight, and with SHARDS sampling an estimate of the full cache. */
class MiniatureLruTest {

    /** LRU by weight over a LinkedHashMap in access order: the specification. */
    private static final class ReferenceLru {
        final LinkedHashMap<Long, Long> map = new LinkedHashMap<>(16, 0.75f, true);
        final long capacity;
        long used;

        ReferenceLru(long capacity) {
            this.capacity = capacity;
        }

        boolean access(long key, long weight, int maxEntries) {
            if (map.get(key) != null) {
                return true;
            }
            if (weight > capacity) {
                return false;
            }
            Iterator<Map.Entry<Long, Long>> oldest = map.entrySet().iterator();
            while (used + weight > capacity || map.size() == maxEntries) {
                used -= oldest.next().getValue();
                oldest.remove();
            }
            map.put(key, weight);
            used += weight;
            return false;
        }
    }

    @Test
    void hitsExactlyWhenAnLruOfTheSameCapacityHits() {
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            boolean weighted = seed % 2 == 0;
            long capacity = weighted ? 50 + r.nextInt(2_000) : 1 + r.nextInt(200);
            int maxEntries = 1 + r.nextInt(300);
            int keys = 1 + r.nextInt(600);
            MiniatureLru lru = new MiniatureLru(capacity, maxEntries);
            ReferenceLru reference = new ReferenceLru(capacity);
            for (int i = 0; i < 20_000; i++) {
                long key = r.nextInt(keys) * 0x9E3779B97F4A7C15L;   // spread fingerprints, collisions impossible
                long weight = weighted ? 1 + Math.floorMod(key, 97) : 1;
                boolean expected = reference.access(key, weight, maxEntries);
                assertEquals(expected, lru.access(key, weight), "seed " + seed + ", request " + i + ", key " + key);
                assertEquals(reference.used, lru.used());
                assertTrue(lru.used() <= capacity && lru.size() <= maxEntries);
            }
            assertEquals(20_000, lru.hits().requests());
        }
    }

    @Test
    void aKeyHeavierThanTheCapacityIsNeverAdmittedAndEvictsNothing() {
        MiniatureLru lru = new MiniatureLru(100, 10);
        lru.access(1, 60);
        assertFalse(lru.access(2, 101));
        assertFalse(lru.contains(2));
        assertTrue(lru.contains(1));
        assertThrows(IllegalArgumentException.class, () -> lru.access(3, 0));
        assertThrows(IllegalArgumentException.class, () -> new MiniatureLru(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new MiniatureLru(10, 0));
    }

    /**
     * SHARDS: a tenth of the keys in a tenth of the capacity hits as the full LRU hits those keys'
     * requests, to within a point on a Zipf stream at two sizes. (Over all requests the sample's
     * share of the hottest keys skews the figure, here 14% of the requests for 10% of the keys; a
     * host compares arms on the same sampled requests, where that skew falls on both.)
     */
    @Test
    void aSampledMiniatureEstimatesTheFullCachesHitRatio() {
        int keys = 100_000;
        double[] cdf = new double[keys];
        double sum = 0;
        for (int k = 0; k < keys; k++) {
            sum += 1 / Math.pow(k + 1, 0.9);
            cdf[k] = sum;
        }
        SpatialSampler sampler = new SpatialSampler(0.1);
        for (int capacity : new int[] {2_000, 20_000}) {
            MiniatureLru full = new MiniatureLru(capacity, capacity);
            int scaled = (int) sampler.scale(capacity);
            MiniatureLru shadow = new MiniatureLru(scaled, scaled);
            SplittableRandom r = new SplittableRandom(5);
            long fullHitsOnSample = 0;
            for (int i = 0; i < 1_500_000; i++) {
                int rank = java.util.Arrays.binarySearch(cdf, r.nextDouble() * sum);
                long key = rank < 0 ? -rank - 1 : rank;
                boolean hit = full.access(key, 1);
                if (sampler.sampled(key)) {
                    shadow.access(key, 1);
                    fullHitsOnSample += hit ? 1 : 0;
                }
            }
            double onSample = fullHitsOnSample / (double) shadow.hits().requests();
            assertEquals(onSample, shadow.hits().ratio(), 0.01, "capacity " + capacity + ": full cache on the sampled "
                    + "requests " + onSample + " (on all " + full.hits().ratio() + "), shadow of " + scaled + " over "
                    + shadow.hits().requests() + " sampled requests " + shadow.hits().ratio());
        }
    }

    @Test
    void aRequestAllocatesNothing() {
        MiniatureLru lru = new MiniatureLru(1_000, 1_000);
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < 50_000; i++) {
            lru.access(r.nextInt(5_000), 1);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            lru.access(r.nextInt(5_000), 1);
        }
        assertEquals(0, threads.getCurrentThreadAllocatedBytes() - before);
    }
}
