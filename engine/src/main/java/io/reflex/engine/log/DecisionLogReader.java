package io.reflex.engine.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads a decision log directory back, segment by segment in sequence order, checking every
 * record's framing, length, CRC32C and sequence number, and reports what it could not read as
 * {@link LogDamage}, each with its file and offset.
 *
 * <p>A record that fails a check is skipped: the reader scans forward for the next record magic
 * whose record checks out and carries a later sequence number, so damage costs only the records it
 * touches. The skipped range is a torn tail (what a crash mid-write leaves, counted in
 * {@link #tornTailsSkipped()}) when it runs to the end of its segment and the next segment's name
 * continues right after the last record read; anything else is corruption. A gap between one
 * segment's last record and the next segment's name, with nothing skipped, is a missing segment.
 * Format 1 segments (before records were framed) are read too; there a failed record ends its
 * segment, as format 1 cannot resynchronise. Every damage is also logged as a warning, or handed to
 * the listener given to {@link #onDamage}.
 *
 * <p>A follower of a growing log reads from where it stopped ({@link #from}): segments wholly
 * before that sequence are not opened, and the records before it in the segment that holds it are
 * checked but not delivered. A record still being written at the end of the last segment reads as
 * a torn tail, and is delivered by a later pass once whole.
 *
 * <p>Not thread-safe. Segments are memory-mapped one at a time, never copied onto the heap; records
 * are allocated as they are delivered (this is the offline side).
 */
public final class DecisionLogReader {

    private static final System.Logger LOG = System.getLogger(DecisionLogReader.class.getName());

    /** A skipped range running to its segment's end: torn tail or corruption, told by the next segment's name. */
    private record Pending(Path segment, long offset, long length, String reason, boolean wholeSegment) {
    }

    private final Path dir;
    private final CRC32C crc = new CRC32C();
    private final List<LogDamage> damage = new ArrayList<>();
    private Consumer<LogDamage> onDamage = d -> LOG.log(Level.WARNING, "decision log: " + d.describe());
    private long tornTails;
    private long records;
    private int segments;
    private long nextSequence;
    /** The sequence the log should hold next, from the records read and the segments' names; -1 before the first. */
    private long expected;
    private Pending pending;
    /** Why the last {@link #header} or {@link #record} call found nothing valid. */
    private String problem;
    /** The payload length of the last valid record. */
    private int length;
    /** The first sequence delivered. */
    private long from;
    /** The last pass ended in unreadable bytes at the end of the last segment. */
    private boolean openTail;

    private DecisionLogReader(Path dir) {
        this.dir = dir;
    }

    /** A reader over {@code dir}. */
    public static DecisionLogReader open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UncheckedIOException(new NoSuchFileException(dir.toString(), null, "decision log directory not found"));
        }
        return new DecisionLogReader(dir);
    }

    /** Sends each damage to {@code listener} as it is found, instead of logging it as a warning (the default). */
    public DecisionLogReader onDamage(Consumer<LogDamage> listener) {
        this.onDamage = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Delivers only records of sequence {@code sequence} or later from the next pass on (default 0):
     * a follower's position, {@link #nextSequence()} of its last pass. The segments wholly before it
     * are skipped unread, so their damage is not reported again; the segment just before the one
     * starting at the position is still read, to settle the tail it ends in.
     */
    public DecisionLogReader from(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("a log position must be >= 0, got " + sequence);
        }
        this.from = sequence;
        return this;
    }

    /** Delivers every valid record in sequence order; the counts and the damage then describe this pass. */
    public void forEach(Consumer<LogRecord> sink) {
        damage.clear();
        tornTails = 0;
        records = 0;
        segments = 0;
        nextSequence = from;
        expected = -1;
        pending = null;
        openTail = false;
        List<Path> all = segments(dir);
        for (int i = 0; i < all.size(); i++) {
            // A segment is wholly before the position when the next one starts before it. When the next
            // starts exactly at it, this one is read to settle what it ends in (a tail a follower waited on).
            if (i + 1 < all.size() && LogFormat.nameSequence(all.get(i + 1).getFileName().toString()) < from) {
                continue;
            }
            readSegment(all.get(i), sink);
        }
        openTail = pending != null && !pending.wholeSegment();
        boundary(-1);
    }

    /**
     * Whether the last pass ended in bytes at the end of the last segment that make no record yet:
     * a crash's torn tail, or a record a live writer is still writing, which a later pass may read
     * whole. It is then the last entry of {@link #damage()}, a torn tail.
     */
    public boolean endsInOpenTail() {
        return openTail;
    }

    /** Torn tails (a crash's partial writes) skipped in the last pass. */
    public long tornTailsSkipped() {
        return tornTails;
    }

    /** Valid records delivered in the last pass (those before {@link #from} are not counted). */
    public long records() {
        return records;
    }

    /** Segment files read in the last pass. */
    public int segments() {
        return segments;
    }

    /** Every skipped range and missing segment of the last pass, in log order. */
    public List<LogDamage> damage() {
        return List.copyOf(damage);
    }

    /**
     * One past the last valid record's sequence (or the first sequence of a later segment with a
     * readable header), after {@link #forEach}: where a writer resumes.
     */
    public long nextSequence() {
        return nextSequence;
    }

    static List<Path> segments(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> LogFormat.isSegment(p.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list decision log " + dir, e);
        }
    }

    private void readSegment(Path segment, Consumer<LogRecord> sink) {
        long first = LogFormat.nameSequence(segment.getFileName().toString());
        boundary(first);
        segments++;
        ByteBuffer b = map(segment);
        int version = header(b, first);
        if (version != 0) {
            nextSequence = Math.max(nextSequence, first);
        }
        if (version == LogFormat.FORMAT_VERSION_1) {
            readFormat1(segment, b, first, sink);
        } else {
            // An unreadable header may still precede framed records: look for them.
            readFramed(segment, b, version == 0 ? 0 : LogFormat.HEADER_BYTES, version == 0 ? problem : null, sink);
        }
    }

    private void readFramed(Path segment, ByteBuffer b, int pos, String headerProblem, Consumer<LogRecord> sink) {
        int size = b.limit();
        int skipFrom = headerProblem == null ? -1 : 0;
        String reason = headerProblem;
        while (pos < size) {
            LogRecord r = record(b, pos);
            if (r == null) {
                if (skipFrom < 0) {
                    skipFrom = pos;
                    reason = problem;
                }
                pos = nextMagic(b, pos + 1);
                continue;
            }
            if (skipFrom >= 0) {
                skipped(new LogDamage.Skipped(segment, skipFrom, pos - skipFrom, false, r.sequence() - expected, reason));
                skipFrom = -1;
            }
            deliver(r, sink);
            pos += LogFormat.RECORD_HEADER_BYTES + length;
        }
        if (skipFrom >= 0) {
            pending = new Pending(segment, skipFrom, size - skipFrom, reason,
                    skipFrom == 0 && size >= LogFormat.HEADER_BYTES);
        }
    }

    private void readFormat1(Path segment, ByteBuffer b, long first, Consumer<LogRecord> sink) {
        int size = b.limit();
        int pos = LogFormat.HEADER_BYTES;
        for (long sequence = first; pos < size; sequence++) {
            LogRecord r = recordFormat1(b, pos, sequence);
            if (r == null) {
                pending = new Pending(segment, pos, size - pos, problem, false);
                return;
            }
            deliver(r, sink);
            pos += LogFormat.V1_RECORD_HEADER_BYTES + length;
        }
    }

    private void deliver(LogRecord r, Consumer<LogRecord> sink) {
        if (r.sequence() >= from) {
            sink.accept(r);
            records++;
        }
        expected = r.sequence() + 1;
        nextSequence = Math.max(nextSequence, expected);
    }

    /**
     * Settles what lies between the records read so far and {@code nextFirst}, the next segment's
     * first sequence (-1 at the end of the log): a pending skipped range is a torn tail when nothing
     * is missing after it, and a gap with nothing skipped is a missing segment.
     */
    private void boundary(long nextFirst) {
        if (expected < 0) {
            expected = nextFirst;
            return;
        }
        long gap = nextFirst < 0 ? 0 : nextFirst - expected;
        if (pending != null) {
            Pending p = pending;
            pending = null;
            boolean torn = gap <= 0 && !p.wholeSegment();
            skipped(new LogDamage.Skipped(p.segment(), p.offset(), p.length(), torn, Math.max(0, gap), p.reason()));
        } else if (gap > 0) {
            report(new LogDamage.MissingSegment(dir.resolve(LogFormat.segmentName(expected)), expected, gap));
        }
        expected = Math.max(expected, nextFirst);
    }

    private void skipped(LogDamage.Skipped s) {
        if (s.tornTail()) {
            tornTails++;
        }
        report(s);
    }

    private void report(LogDamage d) {
        damage.add(d);
        onDamage.accept(d);
    }

    /** The segment's format (1 or 2), or 0 with {@link #problem} saying why its header is unreadable. */
    private int header(ByteBuffer b, long nameFirst) {
        if (b.limit() < LogFormat.HEADER_BYTES) {
            problem = "a header cut short";
            return 0;
        }
        for (int i = 0; i < LogFormat.MAGIC.length; i++) {
            if (b.get(i) != LogFormat.MAGIC[i]) {
                problem = "not a Reflex decision log header";
                return 0;
            }
        }
        int version = b.getInt(LogFormat.HEADER_VERSION);
        int check = b.getInt(LogFormat.HEADER_CHECK);
        long first = b.getLong(LogFormat.HEADER_FIRST_SEQUENCE);
        boolean valid = version == LogFormat.FORMAT_VERSION ? check == LogFormat.headerCheck(first)
                : version == LogFormat.FORMAT_VERSION_1 && check == 0;
        if (!valid) {
            problem = "a header of format " + version + " failing its check";
            return 0;
        }
        if (first != nameFirst) {
            problem = "a header naming first sequence " + first + ", not the file name's";
            return 0;
        }
        return version;
    }

    /** The framed record at {@code pos}, or null with {@link #problem} saying why there is none. */
    private LogRecord record(ByteBuffer b, int pos) {
        int size = b.limit();
        if (size - pos < LogFormat.RECORD_HEADER_BYTES) {
            problem = "a record header cut short";
            return null;
        }
        if (b.getInt(pos) != LogFormat.RECORD_MAGIC) {
            problem = "no record magic";
            return null;
        }
        int n = b.getInt(pos + LogFormat.RECORD_LENGTH);
        if (n < 2 || n > LogFormat.MAX_PAYLOAD_BYTES || n > size - pos - LogFormat.RECORD_HEADER_BYTES) {
            problem = "a record of length " + n + " that does not fit";
            return null;
        }
        if (crc(b, pos + LogFormat.RECORD_LENGTH, pos + LogFormat.RECORD_HEADER_BYTES + n)
                != b.getInt(pos + LogFormat.RECORD_CRC)) {
            problem = "a record failing its CRC32C";
            return null;
        }
        return checked(b, pos + LogFormat.RECORD_HEADER_BYTES, n, b.getLong(pos + LogFormat.RECORD_SEQUENCE));
    }

    /** The format 1 record at {@code pos}, or null with {@link #problem} saying why there is none. */
    private LogRecord recordFormat1(ByteBuffer b, int pos, long sequence) {
        int size = b.limit();
        if (size - pos < LogFormat.V1_RECORD_HEADER_BYTES) {
            problem = "a record header cut short";
            return null;
        }
        int n = b.getInt(pos);
        if (n < 2 || n > size - pos - LogFormat.V1_RECORD_HEADER_BYTES) {
            problem = "a record of length " + n + " that does not fit";
            return null;
        }
        int at = pos + LogFormat.V1_RECORD_HEADER_BYTES;
        if (crc(b, at, at + n) != b.getInt(pos + LogFormat.V1_RECORD_CRC)) {
            problem = "a record failing its CRC32C";
            return null;
        }
        return checked(b, at, n, sequence);
    }

    /** The payload parsed, if its sequence comes after the records already read. */
    private LogRecord checked(ByteBuffer b, int at, int n, long sequence) {
        if (sequence < expected) {
            problem = "a record of sequence " + sequence + " where " + expected + " or later was due";
            return null;
        }
        try {
            LogRecord r = parse(b, at, n, sequence);
            length = n;
            return r;
        } catch (RuntimeException e) {
            problem = "an unreadable record (" + e.getMessage() + ")";
            return null;
        }
    }

    private static int nextMagic(ByteBuffer b, int from) {
        int last = b.limit() - Integer.BYTES;
        for (int q = from; q <= last; q++) {
            if (b.getInt(q) == LogFormat.RECORD_MAGIC) {
                return q;
            }
        }
        return b.limit();
    }

    private int crc(ByteBuffer b, int from, int to) {
        crc.reset();
        b.limit(to).position(from);
        crc.update(b);
        b.limit(b.capacity()).position(0);
        return (int) crc.getValue();
    }

    private static ByteBuffer map(Path segment) {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException("a segment of " + size + " bytes; at most 2 GiB can be read");
            }
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read decision log segment " + segment + ": " + e.getMessage(), e);
        }
    }

    private static LogRecord parse(ByteBuffer b, int at, int length, long sequence) {
        int end = at + length;
        byte version = b.get(at + LogFormat.PAYLOAD_VERSION);
        if (version != LogFormat.RECORD_VERSION) {
            throw new IllegalArgumentException("record version " + version);
        }
        byte type = b.get(at + LogFormat.PAYLOAD_TYPE);
        if (type == LogFormat.OUTCOME) {
            require(length == LogFormat.OUTCOME_PAYLOAD_BYTES, "outcome length " + length);
            return new LogRecord.Outcome(sequence, b.getLong(at + LogFormat.ID), b.getLong(at + LogFormat.MICROS),
                    b.getFloat(at + LogFormat.OUTCOME_REWARD));
        }
        require(type == LogFormat.DECISION, "record type " + type);
        require(length >= LogFormat.DECISION_FIXED_BYTES, "decision length " + length);
        long id = b.getLong(at + LogFormat.ID);
        long micros = b.getLong(at + LogFormat.MICROS);
        long model = b.getLong(at + LogFormat.DECISION_MODEL);
        int action = b.getInt(at + LogFormat.DECISION_ACTION);
        float propensity = b.getFloat(at + LogFormat.DECISION_PROPENSITY);
        int nameLength = Short.toUnsignedInt(b.getShort(at + LogFormat.DECISION_NAME_LENGTH));
        int p = at + LogFormat.DECISION_NAME;
        require(p + nameLength + 2 <= end, "loop name length " + nameLength);
        byte[] name = new byte[nameLength];
        b.get(p, name);
        String loop = new String(name, StandardCharsets.UTF_8);
        p += nameLength;
        int n = Short.toUnsignedInt(b.getShort(p));
        p += 2;
        require(p + 4L * n == end, "feature count " + n);
        float[] features = new float[n];
        for (int i = 0; i < n; i++) {
            features[i] = b.getFloat(p + 4 * i);
        }
        require(id == sequence, "decision id " + id + " at sequence " + sequence);
        return new LogRecord.Decision(sequence, micros, loop, model, features, action, propensity);
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            throw new IllegalArgumentException(what);
        }
    }
}
