package io.reflex.trainer.cache.policy;

import io.reflex.trainer.cache.CacheSimulator;
import io.reflex.trainer.cache.Capacity;
import io.reflex.trainer.cache.PolicySetup;
import io.reflex.trainer.cache.RequestSink;
import io.reflex.trainer.cache.SimulationResult;
import io.reflex.trainer.cache.Trace;
import io.reflex.trainer.cache.TraceBuilder;
import io.reflex.trainer.cache.TraceFixtures;
import io.reflex.trainer.workload.TrapWorkload;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.reflex.trainer.cache.TraceFixtures.hitIndexes;
import static io.reflex.trainer.cache.TraceFixtures.hits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each policy's defining behaviour on a small hand-written trace. */
class PolicyBehaviourTest {

    private static boolean[] replay(String policy, Trace trace, Capacity capacity) {
        return hits(trace, capacity, PolicyCatalog.create(policy, new PolicySetup(trace, capacity, 1)));
    }

    /** Requests {key, time seconds, size bytes}. */
    private static Trace timed(double[][] requests) {
        TraceBuilder b = new TraceBuilder();
        for (double[] r : requests) {
            b.request((long) r[0], r[1], (long) r[2], RequestSink.NO_TTL, RequestSink.NO_RTT);
        }
        return b.build("timed");
    }

    @Test
    void lruEvictsTheLeastRecentlyUsedObjectWhenFull() {
        // 1,2,3 fill; 1 is used again, so 4 evicts 2.
        Trace t = TraceFixtures.keys(1, 2, 3, 1, 4, 1, 3, 2);
        assertEquals(List.of(3, 5, 6), hitIndexes(replay("lru", t, Capacity.entries(3))));
    }

    @Test
    void fifoEvictsTheOldestAdmissionEvenIfItWasJustHit() {
        // 4 evicts 1, admitted first, although it was just hit; LRU would have evicted 2.
        Trace t = TraceFixtures.keys(1, 2, 3, 1, 4, 3, 1);
        assertEquals(List.of(3, 5), hitIndexes(replay("fifo", t, Capacity.entries(3))));
        assertEquals(List.of(3, 5, 6), hitIndexes(replay("lru", t, Capacity.entries(3))));
    }

    @Test
    void lfuEvictsTheLeastFrequentlyRequestedObject() {
        Trace t = TraceFixtures.keys(1, 1, 1, 2, 2, 3, 4, 2, 1, 3);
        assertEquals(List.of(1, 2, 4, 7, 8), hitIndexes(replay("lfu", t, Capacity.entries(3))));
    }

    @Test
    void lfuWithAgingLetsAnObjectPopularLongAgoAgeOut() {
        List<Integer> keys = new ArrayList<>(List.of(1, 1, 1, 1, 1));
        for (int k = 2; k <= 30; k++) {
            keys.add(k);
            keys.add(k);
        }
        keys.add(1);
        Trace t = TraceFixtures.keys(keys);
        int last = keys.size() - 1;

        assertTrue(replay("lfu", t, Capacity.entries(2))[last], "plain LFU keeps the old favourite forever");
        assertFalse(replay("lfu-aging", t, Capacity.entries(2))[last], "with aging it ages out");
    }

    @Test
    void sizeEvictsTheLargestObjectFirst() {
        Trace t = timed(new double[][] {{1, 0, 600}, {2, 1, 300}, {3, 2, 200}, {2, 3, 300}, {1, 4, 600}});
        assertEquals(List.of(3), hitIndexes(replay("size", t, Capacity.bytes(1000))));
    }

    @Test
    void gdsfEvictsALargeObjectBeforeSmallerOlderOnes() {
        Trace t = timed(new double[][] {{2, 0, 100}, {1, 1, 800}, {3, 2, 100}, {4, 3, 100}, {2, 4, 100}});
        assertEquals(List.of(4), hitIndexes(replay("gdsf", t, Capacity.bytes(1000))));
        assertEquals(List.of(), hitIndexes(replay("lru", t, Capacity.bytes(1000))), "LRU evicts the oldest instead");
    }

    @Test
    void adaptiveLruTreatsObjectsOver50KiBAs1000SecondsOlder() {
        // small 1 used at t=0, large 2 (60 KiB) at t=500: 500 - 1000 < 0, so the large one goes first.
        Trace t = timed(new double[][] {{1, 0, 1024}, {2, 500, 60 * 1024}, {3, 600, 1024}, {1, 700, 1024},
                {2, 800, 60 * 1024}});
        assertEquals(List.of(3), hitIndexes(replay("adaptive-lru", t, Capacity.entries(2))));
        // used at t=1500 instead, 1500 - 1000 > 0: the small, older one goes first.
        Trace later = timed(new double[][] {{1, 0, 1024}, {2, 1500, 60 * 1024}, {3, 1600, 1024}, {2, 1700, 60 * 1024}});
        assertEquals(List.of(3), hitIndexes(replay("adaptive-lru", later, Capacity.entries(2))));
    }

    @Test
    void hybridEvictsTheHighestBlendOfIdleTimeAndRelativeSize() {
        // at t=1: key 1 scores 0.4*1 + 0.6*0.1 = 0.46, key 2 scores 0.4*0.5 + 0.6*1 = 0.8: key 2 goes.
        Trace t = timed(new double[][] {{1, 0, 100}, {2, 0.5, 1000}, {3, 1, 100}, {1, 2, 100}});
        assertEquals(List.of(3), hitIndexes(replay("hybrid", t, Capacity.entries(2))));
        assertEquals(List.of(), hitIndexes(replay("lru", t, Capacity.entries(2))));
    }

    @Test
    void sieveKeepsAVisitedObjectWhileItsHandPassesNewerOnes() {
        // 1 is visited; 4 clears its bit and evicts 2; then the hand moves on toward newer objects.
        Trace t = TraceFixtures.keys(1, 2, 3, 1, 4, 5, 6, 1);
        assertTrue(replay("sieve", t, Capacity.entries(3))[7]);
        assertFalse(replay("lru", t, Capacity.entries(3))[7], "LRU has dropped it by then");
    }

    private static Trace hotSetThenScanThenHotSet(int hot, int scan) {
        List<Integer> keys = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            IntStream.rangeClosed(1, hot).forEach(keys::add);
        }
        IntStream.range(1000, 1000 + scan).forEach(keys::add);
        IntStream.rangeClosed(1, hot).forEach(keys::add);
        return TraceFixtures.keys(keys);
    }

    @Test
    void arcKeepsAFrequentlyUsedSetThroughAScan() {
        Trace t = hotSetThenScanThenHotSet(2, 12);
        boolean[] arc = replay("arc", t, Capacity.entries(4));
        boolean[] lru = replay("lru", t, Capacity.entries(4));
        int n = t.length();
        assertTrue(arc[n - 2] && arc[n - 1], "ARC keeps T2 through the scan");
        assertFalse(lru[n - 2] || lru[n - 1]);
    }

    @Test
    void s3fifoFiltersOneHitWondersThroughItsSmallQueue() {
        Trace t = hotSetThenScanThenHotSet(10, 100);
        SimulationResult s3 = CacheSimulator.replay(t, Capacity.entries(20),
                PolicyCatalog.create("s3fifo", new PolicySetup(t, Capacity.entries(20), 1)));
        boolean[] hits = replay("s3fifo", t, Capacity.entries(20));
        boolean[] lru = replay("lru", t, Capacity.entries(20));
        int n = t.length();
        for (int i = n - 10; i < n; i++) {
            assertTrue(hits[i], "hot object of request " + i + " survived the scan");
            assertFalse(lru[i]);
        }
        assertEquals(30, s3.hits());
    }

    @Test
    void beladyDoesNotCacheAnObjectThatIsNeverRequestedAgain() {
        Trace t = TraceFixtures.keys(1, 2, 3, 1, 2);
        assertEquals(List.of(3, 4), hitIndexes(replay("belady", t, Capacity.entries(2))));
        assertEquals(List.of(), hitIndexes(replay("lru", t, Capacity.entries(2))));
    }

    @Test
    void tailBeladyAdmitsEverythingAndEvictsTheCandidateRequestedFurthestAhead() {
        // 3 arrives into {1, 2}: 2 is requested later than 1, so 2 goes and 1 hits.
        Trace t = TraceFixtures.keys(1, 2, 3, 1, 2);
        assertEquals(List.of(3), hitIndexes(replay("belady-tail", t, Capacity.entries(2))));
    }

    @Test
    void tailBeladyChoosesOnlyAmongTheSixtyFourLeastRecentlyUsed() {
        // 0..99 fill 100 entries; 0..35 are used again (the head) and never after; 1000 arrives and
        // needs room. A Belady over the whole cache would drop one of 0..35; the tail reference only
        // sees 36..99, all requested again, and drops the furthest: 99.
        List<Integer> keys = new ArrayList<>();
        IntStream.range(0, 100).forEach(keys::add);
        IntStream.range(0, 36).forEach(keys::add);
        keys.add(1000);
        IntStream.range(36, 100).forEach(keys::add);
        Trace t = TraceFixtures.keys(keys);

        boolean[] hits = replay("belady-tail", t, Capacity.entries(100));

        for (int i = 137; i < 200; i++) {
            assertTrue(hits[i], "object " + (i - 101) + " stayed");
        }
        assertFalse(hits[200], "99, requested furthest ahead among the 64 candidates, was the victim");
        assertEquals(36 + 63, IntStream.range(0, hits.length).filter(i -> hits[i]).count());
    }

    @Test
    void sizeAwareBeladyLeadsEveryClassicalBaselineOnTheTrapWorkloadAt25MB() {
        Trace t = TrapWorkload.builder().seed(1).build().toTrace();
        Capacity c = Capacity.parse("25MB");
        double bound = CacheSimulator.replay(t, c, PolicyCatalog.create("belady-size", new PolicySetup(t, c, 1))).hitRatio();
        for (String name : PolicyCatalog.STANDARD) {
            if (name.equals("belady")) {
                continue;
            }
            double h = CacheSimulator.replay(t, c, PolicyCatalog.create(name, new PolicySetup(t, c, 1))).hitRatio();
            assertTrue(h < bound, name + " " + h + " vs belady-size " + bound);
        }
    }
}
