package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A full ring drops records and counts them; it never blocks the deciding thread nor loses one silently. */
class RingBackpressureTest {

    private static final int CAPACITY = 8;

    @TempDir
    Path dir;

    @Test
    void aFullRingDropsAndCountsEveryRecordItCannotHold() throws InterruptedException {
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        AtomicBoolean holdOnce = new AtomicBoolean(true);
        // The flush listener runs on the writer thread: holding it there keeps the ring from draining.
        DecisionLogWriter writer = DecisionLogWriter.builder(dir).capacity(CAPACITY).maxFeatures(4)
                .onFlushed(s -> {
                    if (holdOnce.getAndSet(false)) {
                        writerHeld.countDown();
                        try {
                            letGo.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }).open();
        Written written = new Written(311);
        DecisionLogWriter.LoopLog log = writer.forLoop("burst");
        written.decision(log, "burst", 4);
        assertTrue(writerHeld.await(30, TimeUnit.SECONDS), "the writer never flushed the first record");

        // The writer is stuck after taking record 0: the ring holds exactly CAPACITY more.
        for (int i = 0; i < CAPACITY; i++) {
            written.decision(log, "burst", 4);
        }
        SplittableRandom random = new SplittableRandom(312);
        int attemptsWhileFull = 500;
        int refused = 0;
        for (int i = 0; i < attemptsWhileFull; i++) {
            long id = random.nextBoolean()
                    ? log.decision(1, new float[4], 4, 0, 0.5f)
                    : log.outcome(0, 1f);
            refused += id == -1 ? 1 : 0;
        }
        assertEquals(attemptsWhileFull, refused, "every append to a full ring is refused at once");
        assertEquals(attemptsWhileFull, writer.dropped());
        assertEquals(1 + CAPACITY, writer.appended());

        letGo.countDown();
        writer.close();

        assertEquals(1 + CAPACITY + attemptsWhileFull, writer.dropped() + writer.appended());
        DecisionLogReader reader = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(reader), 1 + CAPACITY);
        assertEquals(writer.appended(), reader.records());
        assertEquals(0, reader.tornTailsSkipped());
    }

    @Test
    void aConcurrentBurstAccountsForEveryRecordAppendedOrDropped() throws InterruptedException {
        int threads = 4;
        int perThread = 25_000;
        DecisionLogWriter writer = DecisionLogWriter.builder(dir).capacity(16).maxFeatures(4).open();
        DecisionLogWriter.LoopLog log = writer.forLoop("burst");
        List<BitSet> accepted = new ArrayList<>();
        AtomicLong refused = new AtomicLong();
        List<Thread> burst = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            BitSet ids = new BitSet();
            accepted.add(ids);
            SplittableRandom random = new SplittableRandom(313 + t);
            burst.add(Thread.ofPlatform().start(() -> {
                float[] features = new float[4];
                for (int i = 0; i < perThread; i++) {
                    features[0] = (float) random.nextGaussian();
                    long id = log.decision(7, features, 4, random.nextInt(4), 0.25f);
                    if (id < 0) {
                        refused.incrementAndGet();
                    } else {
                        ids.set((int) id);
                    }
                }
            }));
        }
        for (Thread t : burst) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(t.isAlive());
        }
        writer.close();

        long attempted = (long) threads * perThread;
        assertEquals(attempted, writer.dropped() + writer.appended());
        assertEquals(refused.get(), writer.dropped());
        BitSet all = new BitSet();
        accepted.forEach(all::or);
        assertEquals(writer.appended(), all.cardinality());
        BitSet read = new BitSet();
        DecisionLogReader reader = DecisionLogReader.open(dir);
        reader.forEach(r -> read.set((int) r.sequence()));
        assertEquals(writer.appended(), reader.records());
        assertEquals(all, read, "exactly the accepted records are in the log");
        assertEquals(0, reader.tornTailsSkipped());
    }
}
