package io.reflex.trainer.cache.trace;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where a reader reports malformed input: in {@link Strictness#STRICT} mode it throws a
 * {@link MalformedTraceException} naming the file and line (or record); in
 * {@link Strictness#LENIENT} mode it counts and lets the reader skip. One instance per read; not
 * thread-safe.
 */
public final class ParseErrors {

    private final String source;
    private final Strictness strictness;
    /** Added to a reader's line numbers: the lines of the file before the part it reads. */
    private final long linesBefore;
    /** Hears each skipped line's message, or null. */
    private final Consumer<String> skippedLines;
    private long skipped;

    /**
     * @param source     the file name to put in messages
     * @param strictness stop or skip
     */
    public ParseErrors(String source, Strictness strictness) {
        this(source, strictness, 0, null);
    }

    /**
     * For a reader given part of a file: its line 1 is the file's line {@code linesBefore + 1}, and
     * each skipped line's message ({@code file:line: reason}) goes to {@code skippedLines}.
     */
    public ParseErrors(String source, Strictness strictness, long linesBefore, Consumer<String> skippedLines) {
        this.source = Objects.requireNonNull(source, "source");
        this.strictness = Objects.requireNonNull(strictness, "strictness");
        this.linesBefore = linesBefore;
        this.skippedLines = skippedLines;
    }

    /** A malformed text line (numbered from 1): throws when strict, counts when lenient. */
    public void malformedLine(long line, String reason) throws MalformedTraceException {
        String message = source + ":" + (linesBefore + line) + ": " + reason;
        if (strictness == Strictness.STRICT) {
            throw new MalformedTraceException(message);
        }
        skipped++;
        if (skippedLines != null) {
            skippedLines.accept(message);
        }
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
