package io.reflex.engine.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Reads a decision log directory back, segment by segment in sequence order, checking every
 * record's length and CRC32C. A record that is cut short or fails its checksum ends its segment: the
 * rest of that segment is a torn tail (a crash mid-write), skipped with a warning and counted in
 * {@link #tornTailsSkipped()}; reading goes on with the next segment. A segment whose header is not a
 * Reflex log is skipped the same way.
 *
 * <p>Not thread-safe. Segments are read whole into memory one at a time; records are allocated as
 * they are delivered (this is the offline side).
 */
public final class DecisionLogReader {

    private static final System.Logger LOG = System.getLogger(DecisionLogReader.class.getName());

    private final Path dir;
    private long tornTails;
    private long records;
    private long nextSequence;

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

    /** Delivers every valid record in sequence order. */
    public void forEach(Consumer<LogRecord> sink) {
        for (Path segment : segments(dir)) {
            readSegment(segment, sink);
        }
    }

    /** Torn tails (and unreadable segment headers) skipped so far. */
    public long tornTailsSkipped() {
        return tornTails;
    }

    /** Valid records delivered so far. */
    public long records() {
        return records;
    }

    /** One past the last valid record's sequence, after {@link #forEach}: where a writer resumes. */
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
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(segment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read decision log segment " + segment, e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < LogFormat.HEADER_BYTES
                || !Arrays.equals(bytes, 0, 8, LogFormat.MAGIC, 0, 8)
                || b.getInt(LogFormat.HEADER_VERSION) != LogFormat.FORMAT_VERSION) {
            tornTails++;
            LOG.log(Level.WARNING, "skipping {0}: not a Reflex decision log segment of format {1} ({2} bytes)",
                    segment, LogFormat.FORMAT_VERSION, bytes.length);
            return;
        }
        long sequence = b.getLong(LogFormat.HEADER_FIRST_SEQUENCE);
        int pos = LogFormat.HEADER_BYTES;
        CRC32C crc = new CRC32C();
        while (pos < bytes.length) {
            String problem = null;
            int length = 0;
            if (bytes.length - pos < LogFormat.RECORD_HEADER_BYTES) {
                problem = "a record header cut short";
            } else {
                length = b.getInt(pos);
                if (length < 2 || length > bytes.length - pos - LogFormat.RECORD_HEADER_BYTES) {
                    problem = "a record of length " + length + " that does not fit";
                } else {
                    crc.reset();
                    crc.update(bytes, pos + LogFormat.RECORD_HEADER_BYTES, length);
                    if ((int) crc.getValue() != b.getInt(pos + LogFormat.RECORD_CRC)) {
                        problem = "a record failing its CRC32C";
                    }
                }
            }
            LogRecord record = null;
            if (problem == null) {
                try {
                    record = parse(b, pos + LogFormat.RECORD_HEADER_BYTES, length, sequence);
                } catch (RuntimeException e) {
                    problem = "an unreadable record (" + e.getMessage() + ")";
                }
            }
            if (problem != null) {
                tornTails++;
                LOG.log(Level.WARNING, "skipping the torn tail of {0} at byte {1}: {2}; {3} bytes dropped",
                        segment, pos, problem, bytes.length - pos);
                break;
            }
            sink.accept(record);
            records++;
            sequence++;
            pos += LogFormat.RECORD_HEADER_BYTES + length;
        }
        nextSequence = Math.max(nextSequence, sequence);
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
        String loop = new String(b.array(), p, nameLength, StandardCharsets.UTF_8);
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
