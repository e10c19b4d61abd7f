package io.reflex.trainer.cache.trace;

import java.util.Objects;

/**
 * Where a reader reports malformed input: in {@link Strictness#STRICT} mode it throws a
 * {@link MalformedTraceException} naming the file and line (or record); in
 * {@link Strictness#LENIENT} mode it counts and lets the reader skip. One instance per read; not
 * thread-safe.
 */
public final class ParseErrors {

    private final String source;
    private final Strictness strictness;
    private long skipped;

    /**
     * @param source     the file name to put in messages
     * @param strictness stop or skip
     */
    public ParseErrors(String source, Strictness strictness) {
        this.source = Objects.requireNonNull(source, "source");
        this.strictness = Objects.requireNonNull(strictness, "strictness");
    }

    /** A malformed text line (numbered from 1): throws when strict, counts when lenient. */
    public void malformedLine(long line, String reason) throws MalformedTraceException {
        if (strictness == Strictness.STRICT) {
            throw new MalformedTraceException(source + ":" + line + ": " + reason);
        }
        skipped++;
    }

    /** A malformed binary record (numbered from 1, starting at {@code offset}): throws or counts. */
    public void malformedRecord(long record, long offset, String reason) throws MalformedTraceException {
        if (strictness == Strictness.STRICT) {
            throw new MalformedTraceException(source + ": record " + record + " (byte " + offset + "): " + reason);
        }
        skipped++;
    }

    /** Malformed lines or records skipped so far. */
    public long skipped() {
        return skipped;
    }

    /** The file name used in messages. */
    public String source() {
        return source;
    }
}
