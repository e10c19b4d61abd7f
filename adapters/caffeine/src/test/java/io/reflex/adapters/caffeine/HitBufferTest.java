package io.reflex.adapters.caffeine;

import io.reflex.engine.eviction.EvictionModel;
import io.reflex.engine.eviction.HistoryFeatures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A history-1 cache's hits go through a buffer replayed under the lock: every hit is replayed once,
 * whatever the interleaving, and the clock counts every request.
 */
class HitBufferTest {

    private static final EvictionModel SAMPLED_16 = new EvictionModel(HistoryFeatures.SCHEMA,
            EvictionModel.Candidates.SAMPLED, 16, false);
    /** Keys every thread reads. */
    private static final int KEYS = 256;
    /** Keys each thread writes, its own: a hit racing a replacement of its key would find a stale node. */
    private static final int WRITTEN = 32;

    @TempDir
    Path dir;

    private ReflexCache<Integer, String> cache() {
        Path model = TestPolicies.randomHistory(dir.resolve("random.onnx"), 3, SAMPLED_16);
        ReflexCache<Integer, String> cache = ReflexCache.<Integer, String>builder().maximumSize(4 * KEYS).model(model)
                .executor(Runnable::run).deadline(Duration.ofSeconds(5)).build();
        for (int k = 0; k < KEYS; k++) {
            cache.put(k, "v");
        }
        return cache;
    }

    /**
     * Four threads hitting shared resident keys and writing keys of their own (new, then
     * replacements, which count as hits of the resident): once they are done, each key's hits since
     * admission are exactly the requests that reached it after its first write, and the clock is
     * the number of requests. No eviction: the cache holds every key.
     */
    @Test
    void concurrentHitsAndWritesAreEachReplayedOnceAndTheClockCountsEveryRequest() throws Exception {
        int threads = 4;
        int perThread = 60_000;
        try (ReflexCache<Integer, String> cache = cache()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<int[]>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                done.add(pool.submit(() -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int[] requests = new int[KEYS + threads * WRITTEN];
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        if (r.nextInt(16) == 0) {
                            int key = KEYS + (int) seed * WRITTEN + r.nextInt(WRITTEN);
                            cache.put(key, "w");
                            requests[key]++;
                        } else {
                            int key = r.nextInt(KEYS);
                            assertNotNull(cache.getIfPresent(key), "resident " + key);
                            requests[key]++;
                        }
                    }
                    return requests;
                }));
            }
            int[] requests = new int[KEYS + threads * WRITTEN];
            for (Future<int[]> f : done) {
                int[] own = f.get(60, TimeUnit.SECONDS);
                for (int k = 0; k < requests.length; k++) {
                    requests[k] += own[k];
                }
            }
            pool.shutdown();

            HistoryEviction<Integer, String> h = cache.historyEviction();
            assertEquals(KEYS + (long) threads * perThread, h.requests(), "one tick per request");
            for (int k = 0; k < requests.length; k++) {
                // a read key's first write was before the threads; a written key's is its first put
                int expected = k < KEYS ? requests[k] : requests[k] == 0 ? -1 : requests[k] - 1;
                assertEquals(expected, h.hitsSinceAdmission(k), "hits of key " + k);
            }
            assertEquals(0, h.bufferedHits());
            assertEquals(0, cache.policyEvictions());
            h.checkInvariants();
        }
    }

    /**
     * While another thread holds the lock, a reader fills the buffer and then waits for the lock
     * instead of dropping its hit; once the lock is free, every hit is replayed.
     */
    @Test
    void aReaderFindingTheBufferFullWaitsForTheLockAndLosesNoHit() throws Exception {
        try (ReflexCache<Integer, String> cache = cache()) {
            HistoryEviction<Integer, String> h = cache.historyEviction();
            long before = h.requests();
            int reads = HistoryEviction.HIT_BUFFER + 100;
            ReentrantLock lock = h.lockForTests();
            ExecutorService reader = Executors.newSingleThreadExecutor();
            lock.lock();
            Future<?> done;
            try {
                done = reader.submit(() -> {
                    for (int i = 0; i < reads; i++) {
                        assertNotNull(cache.getIfPresent(0));
                    }
                });
                while (!lock.hasQueuedThreads()) {   // the reader blocks once the buffer is full
                    Thread.onSpinWait();
                }
                assertEquals(HistoryEviction.HIT_BUFFER, h.bufferedHits(), "a full buffer");
            } finally {
                lock.unlock();
            }
            done.get(60, TimeUnit.SECONDS);
            reader.shutdown();

            assertEquals(before + reads, h.requests());
            assertEquals(reads, h.hitsSinceAdmission(0));
            h.checkInvariants();
        }
    }
}
