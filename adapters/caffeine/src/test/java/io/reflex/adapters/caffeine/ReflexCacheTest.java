package io.reflex.adapters.caffeine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.reflex.engine.policy.PolicyLoader;
import io.reflex.engine.runtime.FallbackCause;
import io.reflex.engine.runtime.PolicyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter against real Caffeine and real ONNX policies: capacity, fallbacks, candidates, meters. */
class ReflexCacheTest {

    @TempDir
    Path dir;

    /** A value whose content and size follow from its key, so a wrong mapping is visible. */
    private static byte[] valueFor(long key) {
        SplittableRandom r = new SplittableRandom(key);
        byte[] v = new byte[256 + r.nextInt(8 * 1024)];
        v[0] = (byte) key;
        v[v.length - 1] = (byte) (key >>> 8);
        return v;
    }

    private static boolean matches(long key, byte[] v) {
        byte[] expected = valueFor(key);
        return v.length == expected.length && v[0] == expected[0] && v[v.length - 1] == expected[v.length - 1];
    }

    private ReflexCache.Builder<Long, byte[]> bytes(long capacity) {
        return ReflexCache.<Long, byte[]>builder().maximumWeight(capacity).weigher((k, v) -> v.length)
                .deadline(Duration.ofSeconds(1));
    }

    @Test
    void staysWithinItsByteCapacityUnderConcurrentReadersAndWriters() throws Exception {
        long capacity = 512 * 1024;
        int threads = 4;
        int operations = 20_000;
        try (ReflexCache<Long, byte[]> cache = bytes(capacity).model(TestPolicies.dueling(dir.resolve("q.onnx"), 7, 16))
                .build()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            AtomicLong corrupt = new AtomicLong();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 100 + t;
                done.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    for (int i = 0; i < operations; i++) {
                        long key = (long) Math.floor(Math.pow(r.nextDouble(), 3) * 5_000);   // skewed popularity
                        byte[] v = cache.getIfPresent(key);
                        if (v == null) {
                            cache.put(key, valueFor(key), 20 + r.nextDouble() * 30, null);
                        } else if (!matches(key, v)) {
                            corrupt.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();

            assertTrue(cache.weightedSize() <= capacity, "weighted size " + cache.weightedSize() + " > " + capacity);
            // the adapter's own count, on which it decides when to evict, is exact once writes settle:
            // Caffeine's figure bounds the cache, this one bounds what the policy believes
            assertEquals(cache.weightedSize(), cache.accountedWeight(), "the adapter's resident-weight account");
            assertEquals(0, corrupt.get(), "every hit returned its own key's value");
            assertTrue(cache.policyDecisions() > 0, "the policy made the evictions");
            assertTrue(cache.policyEvictions() > 0);
        }
    }

    @Test
    void withoutAModelCaffeinesOwnEvictionKeepsTheCapacityAndEveryFallbackIsCounted() {
        long capacity = 64;
        PolicyStore empty = PolicyStore.create(PolicyLoader.defaults(), List.of());
        try (ReflexCache<Long, String> cache = ReflexCache.<Long, String>builder().maximumSize(capacity)
                .policyStore(empty).executor(Runnable::run).build()) {
            for (long key = 0; key < 1_000; key++) {
                cache.put(key, "v" + key);
                assertTrue(cache.weightedSize() <= capacity);
            }

            assertEquals(0, cache.policyEvictions(), "nothing is pre-evicted without a model");
            assertEquals(1_000 - capacity, cache.fallbackWrites(), "each write past capacity fell back");
            assertEquals(1_000 - capacity, cache.evictionLoop().runtime().metrics().fallbacks(FallbackCause.NO_POLICY));
            assertEquals(capacity, cache.estimatedSize(), "Caffeine evicted to exactly its bound");
            assertEquals(capacity, cache.accountedWeight(), "Caffeine's own evictions are taken off the account");
        }
    }

    @Test
    void aPolicyReturningNaNFallsBackToCaffeineAndIsCounted() {
        long capacity = 100 * 1024;
        try (ReflexCache<Long, byte[]> cache = bytes(capacity).executor(Runnable::run)
                .model(TestPolicies.alwaysNaN(dir.resolve("nan.onnx"), 3, 16)).build()) {
            for (long key = 0; key < 300; key++) {
                cache.put(key, valueFor(key));
            }

            assertTrue(cache.weightedSize() <= capacity);
            assertEquals(0, cache.policyEvictions());
            assertTrue(cache.fallbackWrites() > 0);
            long nonFinite = cache.evictionLoop().runtime().metrics().fallbacks(FallbackCause.NON_FINITE_OUTPUT);
            long breakerOpen = cache.evictionLoop().runtime().metrics().fallbacks(FallbackCause.BREAKER_OPEN);
            assertTrue(nonFinite > 0, "the NaN scores were caught");
            assertEquals(cache.fallbackWrites(), nonFinite + breakerOpen, "then the breaker kept the model off the path");
        }
    }

    @Test
    void theRealPolicysVictimsAreAlwaysAmongCaffeinesColdestK() {
        int k = 8;
        long capacity = 200;
        try (ReflexCache<Long, String> cache = ReflexCache.<Long, String>builder().maximumSize(capacity).k(k)
                .executor(Runnable::run).deadline(Duration.ofSeconds(1))
                .model(TestPolicies.dueling(dir.resolve("q8.onnx"), 11, k)).build()) {
            SplittableRandom r = new SplittableRandom(5);
            int checked = 0;
            for (int i = 0; i < 3_000; i++) {
                long key = r.nextInt(1_000);
                if (cache.getIfPresent(key) != null) {
                    continue;
                }
                Set<Long> coldest = new HashSet<>(cache.coldestKeys(k));
                Set<Long> before = new HashSet<>();
                for (long x = 0; x < 1_000; x++) {
                    if (cache.containsKey(x)) {
                        before.add(x);
                    }
                }
                long evictionsBefore = cache.policyEvictions();
                long fallbacksBefore = cache.fallbackWrites();

                cache.put(key, "v" + key);
                cache.cleanUp();

                if (cache.policyEvictions() > evictionsBefore && cache.fallbackWrites() == fallbacksBefore) {
                    for (long x : before) {
                        if (!cache.containsKey(x)) {
                            assertTrue(coldest.contains(x), "victim " + x + " is not among the coldest " + coldest);
                        }
                    }
                    checked++;
                }
            }
            assertTrue(checked > 100, "enough evicting writes were checked: " + checked);
            assertEquals(0, cache.fallbackWrites());
        }
    }

    @Test
    void expiresEntriesByTheirOwnTtlOnTheCachesTicker() {
        long[] now = {0};
        try (ReflexCache<String, String> cache = ReflexCache.<String, String>builder().maximumSize(10)
                .ticker(() -> now[0]).executor(Runnable::run).perEntryTtl()
                .policyStore(PolicyStore.create(PolicyLoader.defaults(), List.of())).build()) {
            cache.put("short", "a", 5, Duration.ofSeconds(10));
            cache.put("long", "b", 5, Duration.ofHours(1));
            cache.put("forever", "c");
            now[0] = Duration.ofMinutes(1).toNanos();

            assertNull(cache.getIfPresent("short"));
            assertEquals("b", cache.getIfPresent("long"));
            assertEquals("c", cache.getIfPresent("forever"));
        }
    }

    @Test
    void bindsCaffeinesStatisticsAndReflexsMetersToTheRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ReflexCache<Long, String> cache = ReflexCache.<Long, String>builder().maximumSize(32).name("orders")
                .meterRegistry(registry).executor(Runnable::run).deadline(Duration.ofSeconds(1))
                .model(TestPolicies.dueling(dir.resolve("m.onnx"), 2, 16)).build()) {
            for (long key = 0; key < 200; key++) {
                cache.get(key % 50, x -> "v" + x);
            }

            assertTrue(registry.get("cache.gets").tag("cache", "orders").tag("result", "hit").functionCounter().count() > 0);
            assertTrue(registry.get("reflex.decisions").tag("loop", "caffeine-orders").functionCounters().stream()
                    .mapToDouble(c -> c.count()).sum() > 0);
            assertEquals(cache.policyEvictions(),
                    registry.get("reflex.caffeine.policy.evictions").tag("cache", "orders").functionCounter().count());
        }
    }
}
