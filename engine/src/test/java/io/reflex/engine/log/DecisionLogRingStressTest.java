package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The decision log's ring under many appending threads: every record an append acknowledged (a
 * sequence, not -1) is read back exactly once, bit for bit as that thread appended it, and one
 * thread's records appear in the order it appended them; nothing else is read back; the
 * sequences are 0, 1, 2, ... without a gap (a dropped append takes no sequence).
 *
 * <p>Each round draws its shape from a seed: threads (2 to 8), ring capacity (2 to 4096 slots: a
 * small ring wraps around constantly and drops), segment size (4 KiB to 1 MiB: rotations in the
 * middle of bursts), records per thread, decisions and outcomes mixed, feature counts 0 to 8. Every
 * record's content is a function of (thread, index), so a slot overwritten before the writer copied
 * it, a torn publish, or a record framed from the wrong slot reads back as the wrong content. Lincheck
 * does not fit here (a background writer thread and file IO, and the property is about the whole
 * history, not one operation's result), so this is a seeded stress test with an exact post-condition.
 *
 * <p>Budget: rounds run until {@code reflex.stress.seconds} (default 2) have passed; {@code -Pstress}
 * raises it. A failure names its round's seed: {@code -Dreflex.stress.seed=S} reruns from that round.
 */
class DecisionLogRingStressTest {

    private static final long SECONDS = Long.getLong("reflex.stress.seconds", 2);
    private static final long SEED = Long.getLong("reflex.stress.seed", 20);
    private static final int MAX_FEATURES = 8;

    @TempDir
    Path dir;

    @Test
    void concurrentAppendsAreReadBackExactlyOnceInEachThreadsOrder() throws Exception {
        Budget budget = new Budget("concurrent appends");
        for (long seed = SEED; budget.another(); seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Shape shape = Shape.draw(random);
            Path log = Files.createDirectory(dir.resolve("round-" + seed));
            DecisionLogWriter writer = DecisionLogWriter.builder(log).capacity(shape.capacity).maxFeatures(MAX_FEATURES)
                    .segmentBytes(shape.segmentBytes).open();
            Appender[] appenders = new Appender[shape.threads];
            for (int t = 0; t < shape.threads; t++) {
                appenders[t] = new Appender(writer, t, shape.perThread, shape.yieldEvery, random.split());
            }
            runTogether(appenders, "seed " + seed);
            closeWithin(writer, "seed " + seed);
            long acknowledged = budget.add(appenders, writer, shape.threads * (long) shape.perThread, "seed " + seed);
            checkReadBack(log, appenders, acknowledged, "seed " + seed + " " + shape);
        }
        budget.report();
    }

    @Test
    void closeRacingAppendsLosesNoAcknowledgedRecord() throws Exception {
        Budget budget = new Budget("close racing appends");
        for (long seed = SEED; budget.another(); seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Shape shape = Shape.draw(random);
            Path log = Files.createDirectory(dir.resolve("closing-" + seed));
            DecisionLogWriter writer = DecisionLogWriter.builder(log).capacity(shape.capacity).maxFeatures(MAX_FEATURES)
                    .segmentBytes(shape.segmentBytes).open();
            Appender[] appenders = new Appender[shape.threads];
            for (int t = 0; t < shape.threads; t++) {
                // Unbounded: they append until the writer refuses them with IllegalStateException.
                appenders[t] = new Appender(writer, t, Integer.MAX_VALUE, shape.yieldEvery, random.split());
            }
            long closeAfterNanos = random.nextLong(TimeUnit.MILLISECONDS.toNanos(5));
            List<Thread> threads = start(appenders);
            long until = System.nanoTime() + closeAfterNanos;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            closeWithin(writer, "seed " + seed);
            join(threads, "seed " + seed);
            long attempted = 0;
            for (Appender a : appenders) {
                assertTrue(a.closedOut, "seed " + seed + ": thread " + a.thread + " stopped for another reason");
                attempted += a.attempted;
            }
            long acknowledged = budget.add(appenders, writer, attempted, "seed " + seed);
            checkReadBack(log, appenders, acknowledged, "seed " + seed + " " + shape);
        }
        budget.report();
    }

    /** What one round looks like. */
    record Shape(int threads, int capacity, long segmentBytes, int perThread, int yieldEvery) {
        static Shape draw(SplittableRandom r) {
            int capacity = r.nextBoolean() ? 2 + r.nextInt(31) : 32 + r.nextInt(4065);
            long segment = r.nextBoolean() ? 4096 + r.nextInt(8192) : 1L << 20;
            // Half the rounds pace their appenders (a yield every few appends), so that the writer
            // keeps up and the ring wraps with most appends acknowledged, not refused.
            int yieldEvery = r.nextBoolean() ? 1 + r.nextInt(16) : 0;
            return new Shape(2 + r.nextInt(7), capacity, segment, 200 + r.nextInt(3000), yieldEvery);
        }
    }

    /**
     * One thread's appends: record {@code i} of thread {@code t} is a decision of loop {@code "t<t>"}
     * (model {@code t}, action {@code i}, features {@link #feature}) or an outcome whose decision id
     * is {@code t << 32 | i}, drawn by the thread's seed.
     */
    static final class Appender implements Runnable {
        final int thread;
        final int count;
        final int yieldEvery;
        final DecisionLogWriter.LoopLog log;
        final SplittableRandom random;
        /** The sequence acknowledged for each append, -1 where it was dropped. */
        long[] sequences;
        boolean[] outcome;
        int attempted;
        boolean closedOut;

        Appender(DecisionLogWriter writer, int thread, int count, int yieldEvery, SplittableRandom random) {
            this.thread = thread;
            this.count = count;
            this.yieldEvery = yieldEvery;
            this.log = writer.forLoop("t" + thread);
            this.random = random;
            int initial = Math.min(count, 1 << 12);
            this.sequences = new long[initial];
            this.outcome = new boolean[initial];
        }

        @Override
        public void run() {
            float[] features = new float[MAX_FEATURES];
            for (int i = 0; i < count; i++) {
                boolean isOutcome = random.nextInt(4) == 0;
                int n = i % (MAX_FEATURES + 1);
                for (int f = 0; f < n; f++) {
                    features[f] = feature(thread, i, f);
                }
                long seq;
                try {
                    seq = isOutcome ? log.outcome(outcomeId(thread, i), reward(thread, i))
                            : log.decision(thread, features, n, i, propensity(i));
                } catch (IllegalStateException closed) {
                    closedOut = true;
                    return;
                }
                if (i == sequences.length) {
                    sequences = java.util.Arrays.copyOf(sequences, 2 * i);
                    outcome = java.util.Arrays.copyOf(outcome, 2 * i);
                }
                sequences[i] = seq;
                outcome[i] = isOutcome;
                attempted = i + 1;
                if (yieldEvery > 0 && i % yieldEvery == 0) {
                    Thread.yield();
                }
            }
        }
    }

    static float feature(int thread, int index, int f) {
        return thread * 1_000_000f + index * 8 + f + 0.25f;
    }

    static long outcomeId(int thread, int index) {
        return (long) thread << 32 | index;
    }

    static float reward(int thread, int index) {
        return -thread - index / 4096f;
    }

    static float propensity(int index) {
        return (index % 997 + 1) / 998f;
    }

    /** Reads the log back and checks it against what each thread was told. */
    private static void checkReadBack(Path log, Appender[] appenders, long acknowledged, String round) {
        // sequence -> {thread, index}
        Map<Long, long[]> owner = new HashMap<>();
        for (Appender a : appenders) {
            long previous = -1;
            for (int i = 0; i < a.attempted; i++) {
                long seq = a.sequences[i];
                if (seq < 0) {
                    continue;
                }
                assertTrue(seq > previous, round + ": thread " + a.thread + " was given sequence " + seq + " after "
                        + previous);
                previous = seq;
                assertNull(owner.put(seq, new long[] {a.thread, i}), round + ": sequence " + seq + " given twice");
            }
        }
        DecisionLogReader reader = DecisionLogReader.open(log);
        List<LogDamage> damage = new ArrayList<>();
        reader.onDamage(damage::add);
        long[] expectedNext = {0};
        reader.forEach(r -> {
            long seq = r.sequence();
            String at = round + ": record " + seq;
            if (seq != expectedNext[0]) {
                fail(at + " read where " + expectedNext[0] + " was expected (lost, duplicated or out of order)");
            }
            expectedNext[0]++;
            long[] who = owner.remove(seq);
            assertNotNull(who, at + " was never acknowledged to any thread");
            Appender a = appenders[(int) who[0]];
            int i = (int) who[1];
            if (a.outcome[i]) {
                LogRecord.Outcome o = assertInstanceOf(LogRecord.Outcome.class, r, at);
                assertEquals(outcomeId(a.thread, i), o.decisionId(), at);
                assertEquals(Float.floatToRawIntBits(reward(a.thread, i)), Float.floatToRawIntBits(o.reward()), at);
            } else {
                LogRecord.Decision d = assertInstanceOf(LogRecord.Decision.class, r, at);
                assertEquals("t" + a.thread, d.loop(), at);
                assertEquals(a.thread, d.modelVersion(), at);
                assertEquals(i, d.action(), at);
                assertEquals(Float.floatToRawIntBits(propensity(i)), Float.floatToRawIntBits(d.propensity()), at);
                int n = i % (MAX_FEATURES + 1);
                assertEquals(n, d.features().length, at);
                for (int f = 0; f < n; f++) {
                    assertEquals(Float.floatToRawIntBits(feature(a.thread, i, f)),
                            Float.floatToRawIntBits(d.features()[f]), at + " feature " + f);
                }
            }
        });
        assertTrue(owner.isEmpty(), round + ": acknowledged but not read back: " + owner.keySet().stream().sorted()
                .limit(10).toList() + (owner.size() > 10 ? " and " + (owner.size() - 10) + " more" : ""));
        assertEquals(acknowledged, reader.records(), round);
        assertEquals(List.of(), damage, round);
        assertEquals(0, reader.tornTailsSkipped(), round);
    }

    /** Closes {@code writer}, failing (not hanging) when its thread never drains the ring: a record claimed and lost. */
    private static void closeWithin(DecisionLogWriter writer, String round) throws InterruptedException {
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        Thread closing = Thread.ofPlatform().daemon().name("closing").start(() -> {
            try {
                writer.close();
            } catch (RuntimeException e) {
                failed.set(e);
            }
        });
        closing.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(closing.isAlive(), round + ": close did not return in 60 s (the writer is waiting for a record "
                + "that was claimed and never published, or overwritten)");
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    private static void runTogether(Appender[] appenders, String round) throws InterruptedException {
        join(start(appenders), round);
    }

    private static List<Thread> start(Appender[] appenders) {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (Appender a : appenders) {
            threads.add(Thread.ofPlatform().name("appender-" + a.thread).start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                a.run();
            }));
        }
        go.countDown();
        return threads;
    }

    private static void join(List<Thread> threads, String round) throws InterruptedException {
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(t.isAlive(), round + ": " + t.getName() + " did not finish");
        }
    }

    /** The time budget and the round's accounting. */
    static final class Budget {
        private final String what;
        private final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        private long rounds;
        private long attempted;
        private long acknowledged;
        private long dropped;

        Budget(String what) {
            this.what = what;
        }

        /** Whether to run another round: always a first, then while the budget lasts. */
        boolean another() {
            return rounds == 0 || System.nanoTime() < until;
        }

        /** Checks the writer's counts against the threads' and adds them up; returns the acknowledged. */
        long add(Appender[] appenders, DecisionLogWriter writer, long tries, String round) {
            long acked = 0;
            long refused = 0;
            for (Appender a : appenders) {
                for (int i = 0; i < a.attempted; i++) {
                    if (a.sequences[i] >= 0) {
                        acked++;
                    } else {
                        refused++;
                    }
                }
            }
            assertEquals(tries, acked + refused, round);
            assertEquals(acked, writer.appended(), round + ": appended");
            assertEquals(refused, writer.dropped(), round + ": dropped");
            assertEquals(acked - 1, writer.flushedSequence(), round + ": flushed");
            rounds++;
            attempted += tries;
            acknowledged += acked;
            dropped += refused;
            return acked;
        }

        void report() {
            System.out.printf("%s: %d rounds, %d appends, %d acknowledged and read back, %d dropped (ring full)%n",
                    what, rounds, attempted, acknowledged, dropped);
        }
    }
}
