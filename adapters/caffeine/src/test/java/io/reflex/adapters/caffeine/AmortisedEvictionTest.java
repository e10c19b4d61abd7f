package io.reflex.adapters.caffeine;

import com.github.benmanes.caffeine.cache.Ticker;
import io.reflex.engine.testing.PropertyCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Amortised eviction: a decision evicts its victim mask, then tops the free space up to the headroom
 * in the policy's order (at most three quarters of the candidates), so the following writes need no decision;
 * Caffeine's bound holds throughout.
 */
class AmortisedEvictionTest {

    private static final int K = 16;

    @TempDir
    Path dir;

    /** Scores that make the policy prefer the hottest of the K candidates: position i scores i - K. */
    private static float[] hottestFirst() {
        float[] s = new float[K];
        for (int i = 0; i < K; i++) {
            s[i] = i - K;   // all negative: the mask is the single best, position K - 1
        }
        return s;
    }

    private ReflexCache.Builder<Long, String> entries(long capacity, Path model) {
        return ReflexCache.<Long, String>builder().maximumSize(capacity).executor(Runnable::run)
                .deadline(Duration.ofSeconds(1)).model(model);
    }

    private static void fill(ReflexCache<Long, String> cache, long from, long to) {
        for (long key = from; key < to; key++) {
            cache.put(key, "v" + key);
        }
    }

    @Test
    void oneDecisionEvictsThreeQuartersOfTheCandidatesInThePolicysOrderAndTheNextWritesNeedNone() {
        Path model = TestPolicies.fixedScores(dir.resolve("hot.onnx"), hottestFirst());
        long capacity = 4_096;   // headroom 1/64: 64 entries, more than one decision's 12
        try (ReflexCache<Long, String> cache = entries(capacity, model).headroom(1.0 / 64).build()) {
            fill(cache, 0, capacity);
            cache.cleanUp();
            List<Long> coldest = cache.coldestKeys(K);
            assertEquals(0, cache.policyDecisions(), "filling up to the capacity needs no decision");

            cache.put(-1L, "new");

            assertEquals(1, cache.policyDecisions());
            assertEquals(3 * K / 4, cache.policyEvictions(), "the mask's one victim, then the policy's next 11");
            for (int position = 0; position < K; position++) {
                boolean evictedByPolicy = position >= K / 4;   // scores rise with the position
                assertEquals(!evictedByPolicy, cache.containsKey(coldest.get(position)),
                        "candidate " + position + " of the coldest " + coldest);
            }
            fill(cache, capacity, capacity + 3 * K / 4 - 1);
            assertEquals(1, cache.policyDecisions(), "the freed room served the next 11 writes without a decision");
            assertTrue(cache.weightedSize() <= capacity);
        }
    }

    @Test
    void withoutHeadroomADecisionFreesOnlyItsVictimMask() {
        Path model = TestPolicies.fixedScores(dir.resolve("hot0.onnx"), hottestFirst());
        long capacity = 1_000;
        try (ReflexCache<Long, String> cache = entries(capacity, model).headroom(0).build()) {
            fill(cache, 0, capacity + 500);

            assertEquals(500, cache.policyDecisions(), "one decision per write past the capacity");
            assertEquals(500, cache.policyEvictions(), "each freeing the mask's single victim");
            assertEquals(capacity, cache.weightedSize());
        }
    }

    @Test
    void decisionsAmortiseOverSeveralWritesWithTheDefaultHeadroom() {
        Path model = TestPolicies.fixedScores(dir.resolve("hotd.onnx"), hottestFirst());
        long capacity = 10_000;   // default headroom 1/128: 78 entries, more than a decision's 12
        try (ReflexCache<Long, String> cache = entries(capacity, model).build()) {
            fill(cache, 0, capacity + 12_000);

            assertEquals(12_000, cache.policyEvictions(), "the policy made every eviction");
            assertEquals(1_000, cache.policyDecisions(), "twelve victims per decision: one decision per twelve writes");
            assertTrue(cache.weightedSize() <= capacity);
        }
    }

    @Test
    void caffeinesBoundHoldsAfterMaintenanceWhateverTheHeadroomAndWeights() {
        PropertyCheck.tries(40).forAll(
                g -> new BoundCase(g.ints(1, 1_000_000), g.decimal(0, 0.25), g.ints(2_000, 200_000)),
                BoundCase::check);
    }

    /** A seeded dueling policy, and seeded writes of 1 to 1,500 bytes into a cache of this capacity and headroom. */
    private record BoundCase(int seed, double headroom, int capacity) {
        void check() throws IOException {
            Path model = TestPolicies.dueling(Files.createTempFile("amortised", ".onnx"), seed, K);
            try (ReflexCache<Long, byte[]> cache = ReflexCache.<Long, byte[]>builder().maximumWeight(capacity)
                    .weigher((Long k, byte[] v) -> v.length).executor(Runnable::run).deadline(Duration.ofSeconds(1))
                    .headroom(headroom).model(model).build()) {
                SplittableRandom r = new SplittableRandom(seed);
                for (int i = 0; i < 3_000; i++) {
                    long key = r.nextInt(2_000);
                    if (cache.getIfPresent(key) == null) {
                        cache.put(key, new byte[1 + r.nextInt(1_500)]);
                    }
                    assertTrue(cache.weightedSize() <= capacity, "after write " + i + ": " + cache.weightedSize() + " > " + capacity);
                }
            } finally {
                Files.deleteIfExists(model);
            }
        }
    }

    @Test
    void concurrentWritersKeepTheBoundWithALargeHeadroom() throws Exception {
        long capacity = 256 * 1024;
        Path model = TestPolicies.dueling(dir.resolve("c.onnx"), 5, K);
        try (ReflexCache<Long, byte[]> cache = ReflexCache.<Long, byte[]>builder().maximumWeight(capacity)
                .weigher((Long k, byte[] v) -> v.length).deadline(Duration.ofSeconds(1)).headroom(0.25)
                .model(model).build()) {
            int threads = 4;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 40 + t;
                done.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < 20_000; i++) {
                        long key = r.nextInt(10_000);
                        if (cache.getIfPresent(key) == null) {
                            cache.put(key, new byte[64 + r.nextInt(2_048)]);
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();

            assertTrue(cache.weightedSize() <= capacity, cache.weightedSize() + " > " + capacity);
            assertTrue(cache.policyEvictions() > cache.policyDecisions(), "decisions freed more than one victim each");
        }
    }

    /**
     * The coldest candidate is rewritten (by another thread) while the decision's candidates are being
     * read: the policy still names it, but the eviction is conditional on the snapshot's entry, so the
     * rewritten entry stays. Caffeine reads its ticker for every entry it streams to the decision
     * when entries can expire; that read is where the rewrite is injected.
     */
    @Test
    void anEntryRewrittenDuringTheDecisionIsNeverEvictedInItsPlace() throws Exception {
        float[] coldestFirst = new float[K];
        for (int i = 0; i < K; i++) {
            coldestFirst[i] = -1 - i;   // the mask is position 0, the coldest
        }
        Path model = TestPolicies.fixedScores(dir.resolve("cold.onnx"), coldestFirst);
        AtomicBoolean armed = new AtomicBoolean();
        AtomicReference<Runnable> rewrite = new AtomicReference<>();
        AtomicLong rewrites = new AtomicLong();
        Ticker ticker = () -> {
            if (armed.get() && insideTheCandidateSnapshot() && armed.compareAndSet(true, false)) {
                Thread other = Thread.ofPlatform().start(rewrite.get());
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                rewrites.incrementAndGet();
            }
            return 0;
        };
        long capacity = 64;
        try (ReflexCache<Long, String> cache = ReflexCache.<Long, String>builder().maximumWeight(capacity)
                .weigher((Long k, String v) -> v.equals("rewritten") ? 0 : 1)   // the rewrite needs no room
                .ticker(ticker).perEntryTtl().executor(Runnable::run).deadline(Duration.ofSeconds(1)).headroom(0)
                .model(model).build()) {
            fill(cache, 0, capacity);
            cache.cleanUp();
            long coldest = cache.coldestKeys(1).getFirst();
            rewrite.set(() -> cache.put(coldest, "rewritten"));
            armed.set(true);

            cache.put(1_000L, "new");

            assertEquals(1, rewrites.get(), "the rewrite ran during the candidate snapshot");
            assertEquals(1, cache.policyDecisions());
            assertEquals(0, cache.policyEvictions(), "the policy's victim had been rewritten: nothing evicted in its place");
            assertEquals("rewritten", cache.getIfPresent(coldest));
            cache.cleanUp();
            assertTrue(cache.weightedSize() <= capacity, "Caffeine still enforced the bound");
        }
    }

    private static boolean insideTheCandidateSnapshot() {
        for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
            if (e.getMethodName().equals("fillCandidates")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theHeadroomIsValidated() {
        Path model = TestPolicies.dueling(dir.resolve("v.onnx"), 1, K);
        Set<String> messages = new HashSet<>();
        for (double bad : new double[] {-0.01, 0.3, Double.NaN}) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> entries(10, model).headroom(bad));
            messages.add(e.getMessage());
        }
        assertEquals(3, messages.size());
        assertFalse(messages.stream().anyMatch(m -> !m.contains("headroom")));
    }
}
