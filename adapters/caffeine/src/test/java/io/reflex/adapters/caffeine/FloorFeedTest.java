package io.reflex.adapters.caffeine;

import io.reflex.engine.testing.AllocationWindows;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floor's feed hands on every sampled request, in order, with its index in the full stream,
 * whatever its executor does: runs the replays at once, later, never, on another thread, or
 * refuses them.
 */
class FloorFeedTest {

    /** What a replay heard, one string per request. */
    private static final class Heard implements FloorFeed.Replay {
        final List<String> requests = new ArrayList<>();
        final List<String> threads = new ArrayList<>();

        @Override
        public void request(long fingerprint, long weight, boolean liveHit, long atRequest) {
            requests.add(fingerprint + "/" + weight + "/" + liveHit + "@" + atRequest);
            threads.add(Thread.currentThread().getName());
        }
    }

    /**
     * Feeds {@code n} requests, one in {@code 1 / rate} of them sampled, and returns what a
     * direct replay of the sampled ones would have heard.
     */
    private static List<String> feed(FloorFeed feed, int n, double rate, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> expected = new ArrayList<>();
        for (int at = 1; at <= n; at++) {
            if (random.nextDouble() < rate) {
                long fingerprint = random.nextLong();
                long weight = 1 + random.nextInt(1_000);
                boolean hit = random.nextBoolean();
                feed.sampled(fingerprint, weight, hit);
                expected.add(fingerprint + "/" + weight + "/" + hit + "@" + at);
            } else {
                feed.unsampled(1);
            }
        }
        return expected;
    }

    @Test
    void aSynchronousExecutorReplaysInOrderAtFixedPointsOfTheStream() {
        Heard heard = new Heard();
        FloorFeed feed = new FloorFeed(heard, Runnable::run);
        List<String> expected = feed(feed, 100_000, 0.1, 1);
        assertEquals(0, feed.replayedByCaller(), "never full");
        assertTrue(feed.waiting() < FloorFeed.BATCH, "replayed at each batch: " + feed.waiting() + " waiting");
        feed.replay();
        assertEquals(expected, heard.requests);
        assertEquals(0, feed.waiting());
    }

    @Test
    void anExecutorThatNeverRunsLeavesTheProducerToReplayAFullRingAndNothingIsDropped() {
        Heard heard = new Heard();
        List<Runnable> neverRun = new ArrayList<>();
        FloorFeed feed = new FloorFeed(heard, neverRun::add);
        List<String> expected = feed(feed, 50_000, 0.5, 2);
        assertEquals(1, neverRun.size(), "one replay scheduled at once");
        assertTrue(feed.replayedByCaller() >= expected.size() - FloorFeed.CAPACITY,
                feed.replayedByCaller() + " replayed by the caller of " + expected.size());
        assertTrue(feed.waiting() <= FloorFeed.CAPACITY, feed.waiting() + " waiting");
        feed.replay();
        assertEquals(expected, heard.requests);
    }

    @Test
    void anExecutorThatRefusesMakesTheProducerReplayAtOnce() {
        Heard heard = new Heard();
        FloorFeed feed = new FloorFeed(heard, task -> {
            throw new RejectedExecutionException("shut down");
        });
        List<String> expected = feed(feed, 20_000, 0.3, 3);
        feed.replay();
        assertEquals(expected, heard.requests);
    }

    @Test
    void aThreadPoolReplaysOffTheProducersThreadInOrder() throws InterruptedException {
        Heard heard = new Heard();
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "floor-replay"));
        try {
            FloorFeed feed = new FloorFeed(heard, pool);
            List<String> expected = feed(feed, 400_000, 0.05, 4);
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
            feed.replay();
            assertEquals(expected, heard.requests);
            assertTrue(heard.threads.contains("floor-replay"), "the pool replayed some");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * With a fork-join pool (the cache's default executor is the common pool) the producer hands
     * over the same task again and again, so a sampled request allocates nothing on its thread,
     * scheduling included (the pool's {@code execute(Runnable)} would wrap each replay in a new
     * task). Measured in windows of 4,000 sampled requests from a drained ring, so the producer
     * never finds it full (which would make it replay, and allocate in the shadows, itself).
     */
    @Test
    void aForkJoinPoolRunsOneReusedTaskAndTheProducerAllocatesNothing() throws Exception {
        long[] heard = {0, 0};   // requests, and the last index heard; checked in order below
        boolean[] outOfOrder = {false};
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            FloorFeed feed = new FloorFeed((fingerprint, weight, liveHit, atRequest) -> {
                outOfOrder[0] |= atRequest != heard[1] + 1 || fingerprint != atRequest * 31;
                heard[0]++;
                heard[1] = atRequest;
            }, pool);
            long[] at = {0};
            AllocationWindows.Window window = () -> {
                for (int i = 0; i < 4_000; i++) {
                    long next = ++at[0];
                    feed.sampled(next * 31, 1 + (next & 7), (next & 1) == 0);
                }
            };
            long bytes;
            int windows = 0;
            do {
                assertTrue(pool.awaitQuiescence(30, TimeUnit.SECONDS), "the pool drained");
                bytes = AllocationWindows.bytesOf(window);
            } while (bytes > 0 && ++windows < 200);
            assertEquals(0, bytes, "bytes the producer allocated over 4,000 sampled requests, after " + windows + " windows");
            assertEquals(0, feed.replayedByCaller(), "the ring was never full");
            assertTrue(pool.awaitQuiescence(30, TimeUnit.SECONDS));
            feed.replay();
            assertEquals(at[0], heard[0], "every sampled request replayed");
            assertFalse(outOfOrder[0], "in order, each with its index");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void afterCloseNothingIsReplayed() {
        Heard heard = new Heard();
        List<Runnable> later = new ArrayList<>();
        FloorFeed feed = new FloorFeed(heard, later::add);
        int waiting = feed(feed, 10_000, 0.05, 5).size();
        assertTrue(waiting > 0 && waiting < FloorFeed.CAPACITY && feed.waiting() == waiting, waiting + " waiting");
        boolean[] released = {false};
        feed.close(() -> released[0] = true);
        later.forEach(Runnable::run);
        feed.replay();
        assertTrue(released[0]);
        assertEquals(0, heard.requests.size(), "replayed after close");
    }
}
