package io.reflex.trainer.cache;

import io.reflex.trainer.cache.policy.linked.LruPolicy;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheSimulatorTest {

    /** Records what it is told; evicts the least recently used object. */
    private static final class RecordingLru implements EvictionPolicy {
        final List<String> events = new ArrayList<>();
        int k = 4;
        int[] candidates = new int[k];
        float[] features = new float[k * CandidateFeatures.COUNT];
        int candidateCount = -1;

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void onHit(int object, CacheView cache) {
            events.add("hit " + object);
        }

        @Override
        public void onMiss(int object, CacheView cache) {
            events.add("miss " + object);
        }

        @Override
        public boolean admit(int object, CacheView cache) {
            events.add("admit " + object);
            return true;
        }

        @Override
        public void evict(EvictionContext cache) {
            candidateCount = cache.candidates(k, candidates, features);
            events.add("evict");
            cache.evict(cache.leastRecentlyUsed());
        }

        @Override
        public void onInsert(int object, CacheView cache) {
            events.add("insert " + object);
        }

        @Override
        public void onRemove(int object, RemovalCause cause, CacheView cache) {
            events.add("remove " + object + " " + cause);
        }
    }

    private static Trace trace(double[] times, int[] keys, long[] sizes, double[] ttls, double[] rtts) {
        TraceBuilder b = new TraceBuilder();
        for (int i = 0; i < keys.length; i++) {
            b.request(keys[i], times[i], sizes[i], ttls == null ? 0 : ttls[i], rtts == null ? Double.NaN : rtts[i]);
        }
        return b.build("test");
    }

    @Test
    void countsHitsAndBytesHitUsingEachRequestsSize() {
        Trace t = trace(new double[] {0, 1, 2, 3}, new int[] {7, 7, 8, 7}, new long[] {100, 100, 50, 120}, null, null);

        SimulationResult r = CacheSimulator.replay(t, Capacity.parse("1KB"), new LruPolicy());

        assertEquals(4, r.requests());
        assertEquals(2, r.hits());
        assertEquals(0.5, r.hitRatio());
        assertEquals(370, r.bytesRequested());
        assertEquals(220, r.bytesHit());
        assertEquals(220.0 / 370, r.byteHitRatio(), 1e-12);
        assertEquals(0, r.evictions());
    }

    @Test
    void callsThePolicyInTheDocumentedOrder() {
        RecordingLru policy = new RecordingLru();
        CacheSimulator.replay(TraceFixtures.keys(1, 2, 1, 3), Capacity.entries(2), policy);

        assertEquals(List.of("miss 0", "admit 0", "insert 0", "miss 1", "admit 1", "insert 1", "hit 0",
                "miss 2", "admit 2", "evict", "remove 1 EVICTED", "insert 2"), policy.events);
    }

    @Test
    void anExpiredObjectIsAMissAndIsRemoved() {
        // key 5 gets a 10 s TTL at t=0; hit at t=5; expired at t=10 (exactly at expiry), re-fetched.
        Trace t = trace(new double[] {0, 5, 10, 11}, new int[] {5, 5, 5, 5}, new long[] {10, 10, 10, 10},
                new double[] {10, 10, 10, 10}, null);
        RecordingLru policy = new RecordingLru();

        SimulationResult r = CacheSimulator.replay(t, Capacity.entries(4), policy);

        assertEquals(2, r.hits());
        assertEquals(1, r.expirations());
        assertEquals(List.of("miss 0", "admit 0", "insert 0", "hit 0", "remove 0 EXPIRED", "miss 0", "admit 0",
                "insert 0", "hit 0"), policy.events);
    }

    @Test
    void anObjectLargerThanTheWholeCapacityIsNeverCached() {
        Trace t = trace(new double[] {0, 1, 2}, new int[] {1, 1, 2}, new long[] {2048, 2048, 10}, null, null);
        RecordingLru policy = new RecordingLru();

        SimulationResult r = CacheSimulator.replay(t, Capacity.parse("1KB"), policy);

        assertEquals(0, r.hits());
        assertEquals(2, r.rejected());
        assertFalse(policy.events.contains("admit 0"), policy.events.toString());
    }

    @Test
    void reportsTheHitRatioOfEachWindowOfRequests() {
        // hits at requests 1, 2, 3, 5 (key 1 stays cached) with windows of 2 requests.
        SimulationResult r = CacheSimulator.replay(TraceFixtures.keys(1, 1, 1, 1, 2, 1, 3), Capacity.entries(2),
                new LruPolicy(), SimulationOptions.builder().windowRequests(2).build());

        assertArrayEquals(new double[] {0.5, 1.0, 0.5, 0.0}, r.windowHitRatios());
        assertEquals(2, r.windowRequests());
    }

    @Test
    void theCandidateViewListsTheLeastRecentlyUsedFirstWithFeaturesInDocumentedUnits() {
        // t=0 a(100 B, ttl 60, rtt 51), t=10 b(200 B, no ttl, rtt 52), t=20 a (hit), t=25 c(300 B) -> full, evict.
        Trace t = trace(new double[] {0, 10, 20, 25, 40}, new int[] {1, 2, 1, 3, 4},
                new long[] {100, 200, 100, 300, 400}, new double[] {60, 0, 60, 0, 0},
                new double[] {51, 52, Double.NaN, 53, 54});
        RecordingLru policy = new RecordingLru();

        CacheSimulator.replay(t, Capacity.entries(3), policy);

        // The last eviction happened at t=40 for object 3 (key 4): order b, a, c (least recent first).
        assertEquals(3, policy.candidateCount);
        assertArrayEquals(new int[] {1, 0, 2}, java.util.Arrays.copyOf(policy.candidates, 3));
        float[] f = policy.features;
        int b = 0;
        int a = CandidateFeatures.COUNT;
        int c = 2 * CandidateFeatures.COUNT;
        assertEquals(30f, f[b + CandidateFeatures.AGE]);
        assertEquals(200f, f[b + CandidateFeatures.SIZE]);
        assertEquals(0f, f[b + CandidateFeatures.HIT_COUNT]);
        assertEquals(30f, f[b + CandidateFeatures.INTER_ARRIVAL], "one request only: time since it");
        assertEquals(CandidateFeatures.NO_TTL, f[b + CandidateFeatures.REMAINING_TTL]);
        assertEquals(52f, f[b + CandidateFeatures.ORIGIN_RTT]);
        assertEquals(40f, f[a + CandidateFeatures.AGE]);
        assertEquals(1f, f[a + CandidateFeatures.HIT_COUNT]);
        assertEquals(20f, f[a + CandidateFeatures.INTER_ARRIVAL], "requests at t=0 and t=20");
        assertEquals(20f, f[a + CandidateFeatures.REMAINING_TTL], "expires at 60, now 40");
        assertEquals(51f, f[a + CandidateFeatures.ORIGIN_RTT], "a hit does not change the origin RTT");
        assertEquals(15f, f[c + CandidateFeatures.AGE]);
        assertEquals(300f, f[c + CandidateFeatures.SIZE]);
        assertEquals(53f, f[c + CandidateFeatures.ORIGIN_RTT]);
    }

    @Test
    void theCandidateViewAllocatesNothing() {
        int n = 5_000;
        TraceBuilder builder = new TraceBuilder();
        for (int i = 0; i < n; i++) {
            builder.request(i % 300, i, 100 + i % 7, 3600, 50);
        }
        Trace t = builder.build("alloc");
        int[] objects = new int[16];
        float[] features = new float[16 * CandidateFeatures.COUNT];
        long[] allocated = new long[1];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        EvictionPolicy probe = new EvictionPolicy() {
            int calls;
            long before;

            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void onHit(int object, CacheView cache) {
            }

            @Override
            public void evict(EvictionContext cache) {
                calls++;
                if (calls == 1_000) {
                    before = threads.getCurrentThreadAllocatedBytes();
                }
                cache.candidates(16, objects, features);
                if (calls == 3_000) {
                    allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
                }
                cache.evict(cache.leastRecentlyUsed());
            }

            @Override
            public void onInsert(int object, CacheView cache) {
            }

            @Override
            public void onRemove(int object, RemovalCause cause, CacheView cache) {
            }
        };

        CacheSimulator.replay(t, Capacity.entries(100), probe);

        // 2,000 evictions with a candidate view each: a per-call allocation would show as >= 32 KB.
        assertTrue(allocated[0] < 4096, "allocated " + allocated[0] + " bytes over 2,000 eviction steps");
    }

    @Test
    void aPolicyThatEvictsNothingIsReportedByName() {
        EvictionPolicy lazy = new EvictionPolicy() {
            @Override
            public String name() {
                return "lazy";
            }

            @Override
            public void onHit(int object, CacheView cache) {
            }

            @Override
            public void evict(EvictionContext cache) {
            }

            @Override
            public void onInsert(int object, CacheView cache) {
            }

            @Override
            public void onRemove(int object, RemovalCause cause, CacheView cache) {
            }
        };

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CacheSimulator.replay(TraceFixtures.keys(1, 2, 3), Capacity.entries(2), lazy));
        assertTrue(e.getMessage().contains("lazy"), e.getMessage());
    }

    @Test
    void evictingAnObjectThatIsNotResidentIsRefused() {
        EvictionPolicy confused = new EvictionPolicy() {
            @Override
            public String name() {
                return "confused";
            }

            @Override
            public void onHit(int object, CacheView cache) {
            }

            @Override
            public void evict(EvictionContext cache) {
                cache.evict(cache.incoming());
            }

            @Override
            public void onInsert(int object, CacheView cache) {
            }

            @Override
            public void onRemove(int object, RemovalCause cause, CacheView cache) {
            }
        };

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CacheSimulator.replay(TraceFixtures.keys(1, 2, 3), Capacity.entries(2), confused));
        assertTrue(e.getMessage().contains("not resident"), e.getMessage());
    }

    @Test
    void theTraceInternsKeysIntoDenseIdsAndKnowsEachRequestsFuture() {
        TraceBuilder b = new TraceBuilder();
        b.request(42, 0, 10, 0, Double.NaN);
        b.request("/a.jpg", 1, 20, 0, Double.NaN);
        b.request(42, 2, 10, 0, Double.NaN);
        b.request(-7, 3, 0, 0, Double.NaN);
        Trace t = b.build("mixed");

        assertEquals(3, t.objectCount());
        assertArrayEquals(new int[] {0, 1, 0, 2}, new int[] {t.object(0), t.object(1), t.object(2), t.object(3)});
        assertEquals("42", t.key(0));
        assertEquals("/a.jpg", t.key(1));
        assertEquals("-7", t.key(2));
        assertEquals(1, t.size(3), "size 0 counts as one byte");
        assertEquals(2, t.nextAccess(0));
        assertEquals(Trace.NEVER, t.nextAccess(1));
        assertEquals(Trace.NEVER, t.nextAccess(2));
        assertFalse(t.hasTtls());
        assertFalse(t.hasRtts());
        assertTrue(t.hasTimes() && t.hasSizes());
    }
}
