package io.reflex.engine.log;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Appending to the decision log and closing it are linearizable against a sequential log: appends
 * get sequences 0, 1, 2, ... in order, an append after close is refused, and close reads back
 * exactly the records appended before it, each with its bytes. Lincheck runs the operations on three
 * real threads (its stress mode) around each log's real writer thread and segment files, and looks
 * for a history no sequential order explains.
 *
 * <p>Two rings. A roomy one (more slots than a scenario has appends) never drops, so every append's
 * result is determined and the sequential log is the whole specification: an append racing close
 * that is acknowledged but not read back, or read back twice, or two appends given one sequence, has
 * no linearization. A full one (two slots, appends outnumbering them) drops whenever the writer
 * thread lags, which no sequential model can predict: there the appends only report whether the log
 * was open, and each run checks afterwards that the records read back are exactly the acknowledged
 * ones, with consecutive sequences, and that every other append was counted as dropped.
 *
 * <p>Not the model checker: Lincheck 3.7's fails on the writer's byte-array-view VarHandles
 * ("Unsupported VarHandle type") and on {@code close()}'s join of a thread started outside it.
 *
 * <p>Budget: {@code reflex.lincheck.iterations} scenarios of {@code reflex.lincheck.invocations}
 * runs each, per check (small in the default build; {@code -Pstress} raises them).
 */
class DecisionLogLinearizabilityTest {

    static final int ITERATIONS = Integer.getInteger("reflex.lincheck.iterations", 3);
    static final int INVOCATIONS = Integer.getInteger("reflex.lincheck.invocations", 50);
    /** Above the most appends a scenario holds (3 threads x 3 actors, plus 2 before and 2 after). */
    static final int ROOMY = 16;
    static final String CLOSED = "closed";

    @AfterAll
    static void closeTheLastLog() {
        Instances.closeLast();
    }

    @Test
    void appendAndCloseAreLinearizableUnderStress() {
        check(stress(), RoomyLog.class, SequentialLog.class);
    }

    @Test
    void aFullRingDropsAndCountsButLosesNoAcknowledgedRecordUnderStress() {
        check(stress(), FullRing.class, SequentialOpenOrClosed.class);
    }

    private static StressOptions stress() {
        return new StressOptions().iterations(ITERATIONS).invocationsPerIteration(INVOCATIONS)
                .threads(3).actorsPerThread(3).actorsBefore(2).actorsAfter(2);
    }

    private static void check(Options<?, ?> options, Class<?> operations, Class<?> specification) {
        long start = System.nanoTime();
        try {
            options.sequentialSpecification(specification).check(operations);
        } finally {
            Instances.closeLast();
            System.out.printf("%s %s: %d logs opened in %.1f s%n", options.getClass().getSimpleName(),
                    operations.getSimpleName(), Instances.opened(), (System.nanoTime() - start) / 1e9);
        }
    }

    /** The sequential specification of the roomy ring: a list that close freezes and returns. */
    public static final class SequentialLog {
        private final List<String> records = new ArrayList<>();
        private boolean closed;

        public String append(int value) {
            if (closed) {
                return CLOSED;
            }
            records.add(records.size() + ":" + value);
            return Integer.toString(records.size() - 1);
        }

        public String close() {
            if (closed) {
                return CLOSED;
            }
            closed = true;
            return String.join(" ", records);
        }
    }

    /** The sequential specification of the full ring: appends see only whether the log is open. */
    public static final class SequentialOpenOrClosed {
        private boolean closed;

        public String append(int value) {
            return closed ? CLOSED : "open";
        }

        public void close() {
            closed = true;
        }
    }

    /** One log, one loop appending decisions whose every field is a function of {@code value}. */
    abstract static class Log {
        final Path dir;
        final DecisionLogWriter writer;
        final DecisionLogWriter.LoopLog loop;

        Log(int capacity) {
            try {
                dir = Files.createTempDirectory("reflex-log-lincheck");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            writer = DecisionLogWriter.builder(dir).capacity(capacity).maxFeatures(2).open();
            loop = writer.forLoop("lincheck");
            Instances.opened(this);
        }

        /** The appended decision's sequence, -1 when dropped, or -2 when the log was closed. */
        long appendDecision(int value) {
            float[] features = {value, -value};
            try {
                return loop.decision(value, features, 2, value, 1f / (value + 2));
            } catch (IllegalStateException closed) {
                return -2;
            }
        }

        /** Closes the log and reads it back; each decision as "sequence:value" after checking its bytes. */
        List<String> closeAndReadBack() {
            writer.close();
            List<String> read = new ArrayList<>();
            DecisionLogReader reader = DecisionLogReader.open(dir);
            reader.forEach(r -> {
                LogRecord.Decision d = (LogRecord.Decision) r;
                int value = d.action();
                String at = "record " + d.sequence();
                assertEquals("lincheck", d.loop(), at);
                assertEquals(value, d.modelVersion(), at);
                assertEquals(1f / (value + 2), d.propensity(), at);
                assertEquals(List.of((float) value, (float) -value), List.of(d.features()[0], d.features()[1]), at);
                read.add(d.sequence() + ":" + value);
            });
            assertEquals(List.of(), reader.damage(), "damage");
            return read;
        }

        void delete() {
            writer.close();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
                Files.delete(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** More slots than appends: nothing is dropped, so every result is the sequential log's. */
    @Param(name = "value", gen = IntGen.class, conf = "0:3")
    public static final class RoomyLog extends Log {
        public RoomyLog() {
            super(ROOMY);
        }

        @Operation
        public String append(@Param(name = "value") int value) {
            long seq = appendDecision(value);
            return seq == -2 ? CLOSED : Long.toString(seq);
        }

        @Operation(runOnce = true)
        public String close() {
            return String.join(" ", closeAndReadBack());
        }

        @Validate
        public void nothingWasDropped() {
            assertEquals(0, writer.dropped(), "dropped");
        }
    }

    /**
     * Two slots: appends beyond what the writer has drained are dropped. Each acknowledged append
     * is noted (sequence to value) and checked against the log read back once the run is over.
     */
    @Param(name = "value", gen = IntGen.class, conf = "0:3")
    public static final class FullRing extends Log {
        private final AtomicLongArray acknowledged = new AtomicLongArray(ROOMY);
        private final AtomicLong refused = new AtomicLong();

        public FullRing() {
            super(2);
            for (int i = 0; i < ROOMY; i++) {
                acknowledged.set(i, -1);
            }
        }

        @Operation
        public String append(@Param(name = "value") int value) {
            long seq = appendDecision(value);
            if (seq == -2) {
                return CLOSED;
            }
            if (seq == -1) {
                refused.incrementAndGet();
            } else {
                acknowledged.set((int) seq, value);
            }
            return "open";
        }

        @Operation(runOnce = true)
        public void close() {
            writer.close();
        }

        /** Read back: exactly the acknowledged records, sequences without a gap; every other append dropped. */
        @Validate
        public void everyAcknowledgedRecordIsReadBackAndEveryOtherCounted() {
            List<String> expected = new ArrayList<>();
            for (int seq = 0; seq < ROOMY && acknowledged.get(seq) >= 0; seq++) {
                expected.add(seq + ":" + acknowledged.get(seq));
            }
            assertEquals(expected, closeAndReadBack(), "records read back");
            assertEquals(refused.get(), writer.dropped(), "dropped");
            assertEquals(expected.size(), writer.appended(), "appended");
        }
    }

    /**
     * The one log open at a time. Lincheck builds an instance per run and has no hook for closing
     * it: each instance deletes the one before it (runs are sequential), and the check the last.
     */
    static final class Instances {
        private static Log open;
        private static long opened;

        /** Logs opened since the last call. */
        static synchronized long opened() {
            long n = opened;
            opened = 0;
            return n;
        }

        static synchronized void opened(Log log) {
            opened++;
            if (open != null) {
                open.delete();
            }
            open = log;
        }

        static synchronized void closeLast() {
            if (open != null) {
                open.delete();
                open = null;
            }
        }
    }
}
