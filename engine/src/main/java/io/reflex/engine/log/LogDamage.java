package io.reflex.engine.log;

import java.nio.file.Path;

/**
 * Something {@link DecisionLogReader} could not read: a skipped byte range or a missing segment.
 * Each names its file and, for a range, the offset, so that {@link #describe()} is one line a person
 * can act on. Immutable.
 */
public sealed interface LogDamage permits LogDamage.Skipped, LogDamage.MissingSegment {

    /** Whether this is an error rather than what a crash leaves (a torn tail). */
    boolean isCorruption();

    /** One line naming the file, the offset and what was lost. */
    String describe();

    private static String count(long n) {
        return n + (n == 1 ? " record" : " records");
    }

    /**
     * Bytes of a segment that held no readable record.
     *
     * @param segment     the segment file
     * @param offset      where the range starts, from the file's start
     * @param length      its length in bytes
     * @param tornTail    whether it is a crash's torn tail: it runs to the end of its segment, nothing
     *                    the writer acknowledged is missing after it, and it is not a whole segment
     *                    with an unreadable header
     * @param recordsLost records the range took, known from the sequence numbers around it (0 for a
     *                    torn tail, whose records were never acknowledged)
     * @param reason      what was wrong at {@code offset}
     */
    record Skipped(Path segment, long offset, long length, boolean tornTail, long recordsLost, String reason)
            implements LogDamage {

        @Override
        public boolean isCorruption() {
            return !tornTail;
        }

        @Override
        public String describe() {
            return segment + " at byte " + offset + ": " + length + " bytes skipped ("
                    + (tornTail ? "torn tail" : "corrupt") + ": " + reason + ")"
                    + (recordsLost > 0 ? ", " + count(recordsLost) + " lost" : "");
        }
    }

    /**
     * A segment that should be there and is not: the records before a segment's name end cleanly
     * short of it. Segments deleted from the start of the log (retention) or after its last one
     * cannot be told from a log that never had them, and are not reported.
     *
     * @param segment       the file that would hold the first missing record (one or more segments may be gone)
     * @param firstSequence the first missing sequence
     * @param records       how many sequence numbers are missing
     */
    record MissingSegment(Path segment, long firstSequence, long records) implements LogDamage {

        @Override
        public boolean isCorruption() {
            return true;
        }

        @Override
        public String describe() {
            return segment + ": missing; " + count(records) + " (sequences " + firstSequence + ".."
                    + (firstSequence + records - 1) + ") are not in the log";
        }
    }
}
