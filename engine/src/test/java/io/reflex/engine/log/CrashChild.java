package io.reflex.engine.log;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child JVM of {@link CrashRecoveryTest}: opens (and so recovers) the decision log in
 * {@code args[0]}, prints {@code start <first sequence>}, then appends decisions and outcomes at full
 * speed until it is killed, printing {@code flushed <sequence>} each time the writer reports a flush.
 *
 * <p>Record {@code s} has content fixed by {@code s} alone (see {@link #features}), so the parent can
 * check every record it reads back, whichever run wrote it. A record the ring drops is retried, so
 * sequence numbers are assigned in order with no gaps.
 */
public final class CrashChild {

    static final String LOOP = "crash";
    static final int FEATURES = 6;
    static final long SEGMENT_BYTES = 1 << 20;

    private CrashChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long run = Long.parseLong(args[1]);
        PrintStream out = System.out;
        DecisionLogWriter writer = DecisionLogWriter.builder(dir).segmentBytes(SEGMENT_BYTES).capacity(4096)
                .maxFeatures(FEATURES).onFlushed(s -> out.println("flushed " + s)).open();
        DecisionLogWriter.LoopLog log = writer.forLoop(LOOP);
        long next = writer.firstSequence();
        out.println("start " + next);
        float[] features = new float[FEATURES];
        for (;;) {
            long got;
            if (isOutcome(next)) {
                got = log.outcome(next - 1, reward(next));
            } else {
                features(next, features);
                got = log.decision(run, features, FEATURES, action(next), propensity(next));
            }
            if (got < 0) {
                Thread.onSpinWait();
                continue;
            }
            if (got != next) {
                throw new IllegalStateException("expected sequence " + next + ", got " + got);
            }
            next++;
        }
    }

    /** Every tenth record is the outcome of the decision just before it. */
    static boolean isOutcome(long sequence) {
        return sequence % 10 == 9;
    }

    static void features(long sequence, float[] into) {
        for (int i = 0; i < into.length; i++) {
            into[i] = (float) (sequence % 100_003) + i / 8f;
        }
    }

    static int action(long sequence) {
        return (int) (sequence % 17);
    }

    static float propensity(long sequence) {
        return 1f / (1 + sequence % 13);
    }

    static float reward(long sequence) {
        return (sequence % 1_001) * 0.25f;
    }
}
