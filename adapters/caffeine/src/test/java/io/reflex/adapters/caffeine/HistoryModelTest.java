package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.BoundedHistory;
import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import io.reflex.engine.testing.AllocationWindows;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A ReflexCache serving a history-1 model: it evicts and declines what the model says, and keeps its state consistent. */
class HistoryModelTest {

    private static final EvictionModel LRU_16 = new EvictionModel(HistoryFeatures.SCHEMA,
            EvictionModel.Candidates.LRU, 16, false);
    private static final EvictionModel SAMPLED_16 = new EvictionModel(HistoryFeatures.SCHEMA,
            EvictionModel.Candidates.SAMPLED, 16, false);

    @TempDir
    Path dir;

    private static ReflexCache<Integer, String> cache(Path model, int entries) {
        return ReflexCache.<Integer, String>builder().maximumSize(entries).model(model).executor(Runnable::run)
                .deadline(Duration.ofSeconds(5)).build();
    }

    /** Puts 0, 1; hits both; puts 6; puts 2..5 and 7; hits those: 0 is the least recently used, 6 the least hit, 7 the most recent. */
    private static void fill(ReflexCache<Integer, String> c) {
        c.put(0, "0");
        c.put(1, "1");
        c.getIfPresent(0);
        c.getIfPresent(1);
        c.put(6, "6");
        for (int k : new int[] {2, 3, 4, 5, 7}) {
            c.put(k, Integer.toString(k));
        }
        for (int k : new int[] {2, 3, 4, 5, 7}) {
            c.getIfPresent(k);
        }
    }

    private static int evictedByEighthWrite(ReflexCache<Integer, String> c) {
        fill(c);
        c.put(8, "8");
        int evicted = -1;
        for (int k = 0; k <= 7; k++) {
            if (!c.containsKey(k)) {
                assertEquals(-1, evicted, "one victim");
                evicted = k;
            }
        }
        assertTrue(c.containsKey(8));
        assertEquals(1, c.policyDecisions());
        assertEquals(1, c.policyEvictions());
        assertEquals(0, c.fallbackWrites());
        return evicted;
    }

    @Test
    void evictsTheCandidateTheModelPredictsFarthest() {
        for (EvictionModel contract : new EvictionModel[] {LRU_16, SAMPLED_16}) {
            String c = contract.candidates().value();
            Path mru = TestPolicies.history(dir.resolve(c + "-mru.onnx"), HistoryFeatures.RECENCY, -1f, contract);
            Path lru = TestPolicies.history(dir.resolve(c + "-lru.onnx"), HistoryFeatures.RECENCY, 1f, contract);
            Path rare = TestPolicies.history(dir.resolve(c + "-hits.onnx"), HistoryFeatures.HITS, -1f, contract);
            try (ReflexCache<Integer, String> cache = cache(mru, 8)) {
                assertEquals(7, evictedByEighthWrite(cache), c + ": −recency evicts the most recently used");
                assertEquals(16, cache.k());
                assertEquals(contract, cache.evictionModel());
            }
            try (ReflexCache<Integer, String> cache = cache(lru, 8)) {
                assertEquals(0, evictedByEighthWrite(cache), c + ": +recency evicts the least recently used");
            }
            try (ReflexCache<Integer, String> cache = cache(rare, 8)) {
                assertEquals(6, evictedByEighthWrite(cache), c + ": −hits evicts the one never hit since admission");
            }
        }
    }

    @Test
    void aDeclinedValueIsReturnedButNotCachedAndTheResidentsStay() {
        EvictionModel admitting = new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 16, true);
        // −recency: the incoming object (recency 0) scores above every resident, so it is declined.
        Path model = TestPolicies.history(dir.resolve("mru-admission.onnx"), HistoryFeatures.RECENCY, -1f, admitting);
        try (ReflexCache<Integer, String> cache = cache(model, 8)) {
            fill(cache);
            cache.put(8, "8");
            assertFalse(cache.containsKey(8));
            AtomicInteger loads = new AtomicInteger();
            assertEquals("v9", cache.get(9, k -> {
                loads.incrementAndGet();
                return "v" + k;
            }));
            assertEquals(1, loads.get());
            assertFalse(cache.containsKey(9));
            for (int k = 0; k <= 7; k++) {
                assertTrue(cache.containsKey(k), "resident " + k + " stays");
            }
            assertEquals(2, cache.admissionDeclines());
            assertEquals(0, cache.policyEvictions());
            assertEquals(2, cache.policyDecisions());
            cache.historyEviction().checkInvariants();
        }
        Path noAdmission = TestPolicies.history(dir.resolve("mru.onnx"), HistoryFeatures.RECENCY, -1f, SAMPLED_16);
        try (ReflexCache<Integer, String> cache = cache(noAdmission, 8)) {
            fill(cache);
            cache.put(8, "8");
            assertTrue(cache.containsKey(8), "a model that does not answer admission never declines");
            assertEquals(0, cache.admissionDeclines());
        }
    }

    @Test
    void aDecisionThatFallsBackLeavesTheChoiceToCaffeineAndAdmits() {
        Path model = TestPolicies.history(dir.resolve("lru.onnx"), HistoryFeatures.RECENCY, 1f, SAMPLED_16);
        try (ReflexCache<Integer, String> cache = ReflexCache.<Integer, String>builder().maximumSize(8).model(model)
                .executor(Runnable::run).deadline(Duration.ofNanos(1)).build()) {
            for (int k = 0; k < 30; k++) {
                cache.put(k, Integer.toString(k));
                assertTrue(cache.containsKey(k), "admitted on fallback");
            }
            assertEquals(22, cache.fallbackWrites());
            assertEquals(0, cache.policyDecisions());
            assertEquals(8, cache.weightedSize());
            cache.historyEviction().checkInvariants();
        }
    }

    /**
     * Random gets, loads, puts, replacements with new weights, invalidations and expirations, with
     * a fingerprint that makes some keys collide, on entry and weight capacities: after every step
     * Caffeine's entries, the bounded history, the candidate source and the weight agree, and the
     * capacity holds.
     */
    @Test
    void keepsItsStateConsistentWithCaffeineUnderRandomOperations() {
        for (long seed = 1; seed <= 6; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            boolean weighted = seed % 2 == 0;
            EvictionModel contract = new EvictionModel(HistoryFeatures.SCHEMA,
                    seed % 3 == 0 ? EvictionModel.Candidates.LRU : EvictionModel.Candidates.SAMPLED, 8, seed <= 3);
            Path model = TestPolicies.randomHistory(dir.resolve("random-" + seed + ".onnx"), seed, contract);
            long[] now = {0};
            ReflexCache.Builder<Integer, String> b = ReflexCache.<Integer, String>builder().model(model)
                    .executor(Runnable::run).ticker(() -> now[0]).perEntryTtl().deadline(Duration.ofSeconds(5))
                    .ghostsPerResident(1 + r.nextInt(3)).keyFingerprint(k -> k % 250);
            if (weighted) {
                b.maximumWeight(1_500).weigher((Integer k, String v) -> v.length()).maximumEntries(40);
            } else {
                b.maximumSize(40);
            }
            try (ReflexCache<Integer, String> cache = b.build()) {
                for (int step = 0; step < 6_000; step++) {
                    now[0] += 1_000_000;
                    int key = r.nextInt(300);
                    String value = "x".repeat(1 + r.nextInt(weighted ? 120 : 3));
                    switch (r.nextInt(10)) {
                        case 0 -> cache.invalidate(key);
                        case 1 -> cache.put(key, value, 1, Duration.ofMillis(1 + r.nextInt(200)));
                        case 2, 3 -> cache.put(key, value);
                        case 4, 5, 6 -> assertTrue(cache.get(key, k -> value) != null);
                        default -> cache.getIfPresent(key);
                    }
                    if (step % 10 == 0) {
                        cache.cleanUp();
                        cache.historyEviction().checkInvariants();
                        assertTrue(cache.weightedSize() <= cache.maximum());
                    }
                }
                assertTrue(cache.fingerprintConflicts() > 0, "keys k and k + 250 collide");
                assertTrue(cache.policyEvictions() > 100, "evictions " + cache.policyEvictions());
                if (contract.admission()) {
                    assertTrue(cache.admissionDeclines() >= 0);
                }
                assertEquals(0, cache.fallbackWrites());
            }
        }
    }

    /**
     * Four threads reading, loading and writing with short TTLs while Caffeine runs its maintenance
     * (and its expirations) on the common pool: no deadlock between the adapter's lock and
     * Caffeine's eviction lock, the capacity holds, and once quiet the state is consistent.
     */
    @Test
    void concurrentRequestsWithCaffeinesOwnExpirationsStayConsistent() throws Exception {
        EvictionModel contract = new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 16, true);
        Path model = TestPolicies.randomHistory(dir.resolve("concurrent.onnx"), 9, contract);
        try (ReflexCache<Integer, String> cache = ReflexCache.<Integer, String>builder().maximumSize(200).model(model)
                .perEntryTtl().deadline(Duration.ofSeconds(5)).build()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < 20_000; i++) {
                        int key = r.nextInt(1_000);
                        switch (r.nextInt(4)) {
                            case 0 -> cache.put(key, "v", 0, Duration.ofMillis(1 + r.nextInt(5)));
                            case 1 -> cache.invalidate(key);
                            default -> cache.get(key, k -> "v");
                        }
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            pool.shutdown();
            cache.cleanUp();
            java.util.concurrent.ForkJoinPool.commonPool().awaitQuiescence(10, java.util.concurrent.TimeUnit.SECONDS);
            cache.historyEviction().checkInvariants();
            assertTrue(cache.weightedSize() <= 200);
            assertTrue(cache.policyEvictions() > 0);
        }
    }

    /**
     * One thread's own keys read back what it wrote last, or nothing (evicted by a decision of
     * another thread's write), never an older value, while three threads' writes force decisions and
     * invalidate keys a decision may be choosing among; an invalidated key reads nothing until
     * written again. Then the state is consistent.
     */
    @Test
    void oneThreadReadsItsOwnWritesWhileOtherThreadsForceDecisionsAndInvalidate() throws Exception {
        EvictionModel contract = new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 16, false);
        Path model = TestPolicies.randomHistory(dir.resolve("raw.onnx"), 11, contract);
        try (ReflexCache<Integer, String> cache = ReflexCache.<Integer, String>builder().maximumSize(100).model(model)
                .deadline(Duration.ofSeconds(5)).build()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.List<java.util.concurrent.Future<?>> others = new java.util.ArrayList<>();
            for (int t = 0; t < 3; t++) {
                long seed = 100 + t;
                others.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    while (!stop.get()) {
                        int key = 1_000 + r.nextInt(2_000);   // never one of the checker's keys
                        if (r.nextInt(5) == 0) {
                            cache.invalidate(key);
                        } else {
                            cache.put(key, "other");
                        }
                    }
                }));
            }
            java.util.concurrent.Future<int[]> checker = pool.submit(() -> {
                SplittableRandom r = new SplittableRandom(7);
                int[] outcome = new int[2];   // read back, evicted meanwhile
                for (int i = 0; i < 30_000; i++) {
                    int key = r.nextInt(50);
                    String value = key + ":" + i;
                    cache.put(key, value);
                    String read = cache.getIfPresent(key);
                    assertTrue(read == null || read.equals(value), "key " + key + " wrote " + value + ", read " + read);
                    outcome[read == null ? 1 : 0]++;
                    if (r.nextInt(4) == 0) {
                        cache.invalidate(key);
                        assertEquals(null, cache.getIfPresent(key), "key " + key + " invalidated");
                    }
                }
                return outcome;
            });
            int[] outcome = checker.get(120, java.util.concurrent.TimeUnit.SECONDS);
            stop.set(true);
            for (java.util.concurrent.Future<?> f : others) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            pool.shutdown();
            cache.cleanUp();
            java.util.concurrent.ForkJoinPool.commonPool().awaitQuiescence(10, java.util.concurrent.TimeUnit.SECONDS);
            cache.historyEviction().checkInvariants();
            assertTrue(outcome[0] > 0, "reads that found the write: " + outcome[0] + ", evicted meanwhile: " + outcome[1]);
            assertTrue(cache.policyDecisions() > 0, "the other threads' writes made decisions");
            assertTrue(cache.weightedSize() <= 100);
        }
    }

    @Test
    @Tag("allocation")   // in a JVM of its own (the parent pom says why)
    void aDecisionAndAHitAllocateNothingOnceWarm() throws Exception {
        EvictionModel contract = new EvictionModel(HistoryFeatures.SCHEMA, EvictionModel.Candidates.SAMPLED, 64, true);
        Path model = TestPolicies.randomHistory(dir.resolve("alloc.onnx"), 5, contract);
        // The adapter's own paths, without the floor: with Runnable::run the floor's shadows would run on
        // this thread too, and its miniature W-TinyLFU is a Caffeine cache of boxed fingerprints (by
        // default they run on the executor, and the caller pays a task wrapper per scheduled replay).
        try (ReflexCache<Integer, String> cache = ReflexCache.<Integer, String>builder().maximumSize(2_000).model(model)
                .floor(false).executor(Runnable::run).deadline(Duration.ofSeconds(5)).build()) {
            Integer[] keys = new Integer[4_000];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = i;
                cache.put(keys[i], "v");
            }
            HistoryEviction<Integer, String> h = cache.historyEviction();
            for (int i = 0; i < 200_000; i++) {
                assertNotEquals(BoundedHistory.NO_SLOT, h.dryRunDecision());
                cache.getIfPresent(keys[i % keys.length]);
            }
            AllocationWindows.Window decide = () -> {
                for (int i = 0; i < 20_000; i++) {
                    h.dryRunDecision();
                }
            };
            AllocationWindows.Window hit = () -> {
                for (int i = 0; i < 20_000; i++) {
                    cache.getIfPresent(keys[i % keys.length]);
                }
            };
            // Paced by the JIT as well as by the count above: the model's vectors are boxed until C2 compiles it.
            AllocationWindows.untilQuiet(decide, 1024, 100);
            AllocationWindows.untilQuiet(hit, 1024, 100);
            long decisions = AllocationWindows.bytesOf(decide);
            long hits = AllocationWindows.bytesOf(hit);
            assertTrue(decisions < 1024, decisions + " bytes over 20,000 decisions of K = 64");
            assertTrue(hits < 1024, hits + " bytes over 20,000 lookups");
        }
    }

    @Test
    void refusesAWeightCapacityWithoutAnEntryBoundAndAnEntryBoundOnAnEntryCapacity() {
        Path model = TestPolicies.history(dir.resolve("m.onnx"), HistoryFeatures.RECENCY, 1f, SAMPLED_16);
        IllegalStateException noBound = assertThrows(IllegalStateException.class, () -> ReflexCache.<Integer, String>builder()
                .maximumWeight(1_000).weigher((Integer k, String v) -> 1).model(model).build());
        assertTrue(noBound.getMessage().contains("maximumEntries"), noBound.getMessage());
        IllegalStateException both = assertThrows(IllegalStateException.class, () -> ReflexCache.<Integer, String>builder()
                .maximumSize(100).maximumEntries(50).model(model).build());
        assertTrue(both.getMessage().contains("maximumSize(100)"), both.getMessage());
        IllegalStateException k = assertThrows(IllegalStateException.class, () -> ReflexCache.<Integer, String>builder()
                .maximumSize(100).k(8).model(model).build());
        assertTrue(k.getMessage().contains("K = 16"), k.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReflexCache.<Integer, String>builder().ghostsPerResident(0));
        IllegalStateException tooBig = assertThrows(IllegalStateException.class, () -> ReflexCache.<Integer, String>builder()
                .maximumSize(1L << 27).model(model).build());
        assertTrue(tooBig.getMessage().contains("2^28"), tooBig.getMessage());
    }
}
