package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The class Javadoc's promise that appending allocates nothing, measured on the appending thread
 * (the writer thread that drains the ring is another thread, and may allocate).
 */
class AppendAllocationTest {

    @TempDir
    Path dir;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void appendingDecisionsAndOutcomesAllocatesNothingOnceWarm() {
        float[] features = new float[40];
        for (int i = 0; i < features.length; i++) {
            features[i] = i * 0.25f;
        }
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(40).capacity(1 << 16).open()) {
            DecisionLogWriter.LoopLog log = writer.forLoop("eviction");
            long sink = 0;
            for (int i = 0; i < 20_000; i++) {
                sink += append(log, features, i);
                if ((i & 1023) == 0) {
                    awaitDrained(writer);
                }
            }
            awaitDrained(writer);
            long appendedBefore = writer.appended();
            long droppedBefore = writer.dropped();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 5_000; i++) {
                sink += append(log, features, i);
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

            assertTrue(allocated < 1024, allocated + " bytes over 10,000 appends");
            assertEquals(droppedBefore, writer.dropped(), "the measured appends were not dropped");
            assertEquals(appendedBefore + 10_000, writer.appended(), "each measured append claimed a slot");
            assertTrue(sink != 0);
        }
    }

    @Test
    void aDroppedAppendAllocatesNothingEither() {
        float[] features = new float[8];
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(8).capacity(16).open()) {
            DecisionLogWriter.LoopLog log = writer.forLoop("eviction");
            long sink = 0;
            for (int i = 0; i < 20_000; i++) {
                sink += append(log, features, i);
            }
            long droppedBefore = writer.dropped();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 5_000; i++) {
                sink += append(log, features, i);
            }
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

            assertTrue(allocated < 1024, allocated + " bytes over 10,000 appends to a ring of 16");
            assertTrue(writer.dropped() > droppedBefore, "some of the measured appends were dropped");
            assertTrue(sink != 0);
        }
    }

    private static long append(DecisionLogWriter.LoopLog log, float[] features, int i) {
        long id = log.decision(7, features, features.length, i & 15, 0.5f);
        return id + log.outcome(id, 1f);
    }

    /** Waits (bounded) until the writer thread has flushed everything appended so far. */
    private static void awaitDrained(DecisionLogWriter writer) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (writer.flushedSequence() + 1 < writer.appended() + writer.firstSequence()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the writer did not drain: flushed " + writer.flushedSequence()
                        + ", appended " + writer.appended());
            }
            Thread.onSpinWait();
        }
    }
}
