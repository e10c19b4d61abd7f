package io.reflex.engine.log;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.reflex.engine.testing.FuzzInputs;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as a decision log directory, read by {@link DecisionLogReader} as {@code ./reflex log
 * verify} reads it, give records and {@link LogDamage}, never an exception, never a hang: damage is
 * reported, not thrown. What is reported must also add up: records in strictly increasing sequence,
 * every skipped range inside its file and after the previous one, a missing segment missing at least
 * one record, {@link DecisionLogReader#nextSequence()} past the last record, and a second pass over
 * the same files giving the same records and the same damage.
 *
 * <p>Input layout: byte 0 holds flags, the rest is the log, cut into segment files before every
 * header magic {@code RFXDLOG1} (bytes before the first magic make a segment without a header). A
 * segment is named after its header's first sequence (sign bit cleared), or one past the previous
 * name when it has no whole header; a name already taken becomes one past the largest taken, so
 * names can disagree with headers. Flag bit 0 re-seals the log before it is written: every format 2
 * header gets its check and every record that fits its segment its CRC32C (format 1 records too),
 * so that mutations reach what the checksums guard (the payload parser, the sequence checks) and
 * not only the framing. Corpus: logs written by {@link DecisionLogWriter}, a format 1 log, and
 * damaged copies, in {@code src/test/resources/io/reflex/engine/log/DecisionLogFuzzTestInputs/}.
 */
class DecisionLogFuzzTest {

    private static final byte[] MAGIC = LogFormat.MAGIC;
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("reflex-log-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIR.toFile().deleteOnExit();
    }

    private static final FuzzInputs INPUTS = new FuzzInputs("DecisionLogFuzzTest");

    @AfterAll
    static void reportInputs() {
        INPUTS.report();
    }

    @FuzzTest(maxDuration = "10s")
    void readsAnyLogReportingDamageNeverThrowing(byte[] input) throws IOException {
        INPUTS.add();
        if (input.length < 1) {
            return;
        }
        Map<Path, Integer> sizes = write(input);
        try {
            DecisionLogReader reader = DecisionLogReader.open(DIR);
            Pass first = Pass.of(reader);
            first.check(sizes, reader);
            Pass second = Pass.of(reader);
            assertEquals(first.sequences, second.sequences, "a second pass reads the same records");
            assertEquals(first.damage, second.damage, "a second pass finds the same damage");
            assertEquals(first.next, second.next, "a second pass resumes at the same sequence");
        } finally {
            clear();
        }
    }

    /** What one pass delivered and reported. */
    private record Pass(List<Long> sequences, List<LogDamage> damage, List<LogDamage> heard, long next) {

        static Pass of(DecisionLogReader reader) {
            List<Long> sequences = new ArrayList<>();
            List<LogDamage> heard = new ArrayList<>();
            reader.onDamage(heard::add);
            reader.forEach(r -> sequences.add(r.sequence()));
            return new Pass(sequences, reader.damage(), heard, reader.nextSequence());
        }

        void check(Map<Path, Integer> sizes, DecisionLogReader reader) {
            assertEquals(heard, damage, "the listener heard every damage, in order");
            assertEquals(sequences.size(), reader.records());
            assertEquals(sizes.size(), reader.segments());
            long previous = -1;
            for (long s : sequences) {
                assertTrue(s > previous, () -> "sequence " + s + " after a record of sequence at least itself: " + sequences);
                previous = s;
            }
            assertTrue(reader.nextSequence() > previous, "nextSequence is past the last record");
            Map<Path, Long> end = new HashMap<>();
            long torn = 0;
            for (LogDamage d : damage) {
                assertTrue(!d.describe().isEmpty());
                switch (d) {
                    case LogDamage.Skipped s -> {
                        Integer size = sizes.get(s.segment());
                        assertTrue(size != null, () -> "a skipped range in a file of the log: " + s);
                        assertTrue(s.offset() >= end.getOrDefault(s.segment(), 0L) && s.length() >= 0
                                && s.offset() + s.length() <= size, () -> "a range inside its file, after the last: " + s);
                        assertTrue(s.recordsLost() >= 0 && !(s.tornTail() && s.recordsLost() > 0), s::toString);
                        end.put(s.segment(), s.offset() + s.length());
                        torn += s.tornTail() ? 1 : 0;
                    }
                    case LogDamage.MissingSegment m ->
                            assertTrue(m.records() > 0 && m.firstSequence() >= 0, m::toString);
                }
            }
            assertEquals(torn, reader.tornTailsSkipped());
        }
    }

    /** Writes the input's segments into {@link #DIR}; returns each file's size. */
    private static Map<Path, Integer> write(byte[] input) throws IOException {
        byte[] log = Arrays.copyOfRange(input, 1, input.length);
        boolean reseal = (input[0] & 1) != 0;
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 1; i + MAGIC.length <= log.length; i++) {
            if (Arrays.equals(log, i, i + MAGIC.length, MAGIC, 0, MAGIC.length)) {
                starts.add(i);
            }
        }
        starts.add(log.length);
        Map<Path, Integer> sizes = new HashMap<>();
        TreeSet<Long> taken = new TreeSet<>();
        long previous = -1;
        for (int i = 0; i + 1 < starts.size(); i++) {
            byte[] segment = Arrays.copyOfRange(log, starts.get(i), starts.get(i + 1));
            ByteBuffer b = ByteBuffer.wrap(segment).order(ByteOrder.LITTLE_ENDIAN);
            long name = segment.length >= LogFormat.HEADER_BYTES
                    ? b.getLong(LogFormat.HEADER_FIRST_SEQUENCE) & Long.MAX_VALUE : previous + 1;
            if (name < 0 || taken.contains(name)) {
                name = taken.isEmpty() ? 0 : taken.last() + 1;
            }
            if (name < 0) {
                continue; // every name is taken up to Long.MAX_VALUE: nothing more fits in a log
            }
            taken.add(name);
            previous = name;
            if (reseal) {
                reseal(b);
            }
            Path file = DIR.resolve(LogFormat.segmentName(name));
            Files.write(file, segment);
            sizes.put(file, segment.length);
        }
        return sizes;
    }

    /** Gives a segment's header its check and each record that fits its CRC32C, as a writer would. */
    private static void reseal(ByteBuffer b) {
        int size = b.limit();
        CRC32C crc = new CRC32C();
        boolean header = size >= LogFormat.HEADER_BYTES && Arrays.equals(b.array(), 0, MAGIC.length, MAGIC, 0, MAGIC.length);
        if (header && b.getInt(LogFormat.HEADER_VERSION) == LogFormat.FORMAT_VERSION_1) {
            b.putInt(LogFormat.HEADER_CHECK, 0);
            for (int pos = LogFormat.HEADER_BYTES; size - pos >= LogFormat.V1_RECORD_HEADER_BYTES; ) {
                int n = b.getInt(pos);
                if (n < 0 || n > size - pos - LogFormat.V1_RECORD_HEADER_BYTES) {
                    return;
                }
                b.putInt(pos + LogFormat.V1_RECORD_CRC, crc(crc, b, pos + LogFormat.V1_RECORD_HEADER_BYTES,
                        pos + LogFormat.V1_RECORD_HEADER_BYTES + n));
                pos += LogFormat.V1_RECORD_HEADER_BYTES + n;
            }
            return;
        }
        if (header) {
            b.putInt(LogFormat.HEADER_VERSION, LogFormat.FORMAT_VERSION);
            b.putInt(LogFormat.HEADER_CHECK, LogFormat.headerCheck(b.getLong(LogFormat.HEADER_FIRST_SEQUENCE)));
        }
        for (int pos = 0; size - pos >= LogFormat.RECORD_HEADER_BYTES; pos++) {
            if (b.getInt(pos) != LogFormat.RECORD_MAGIC) {
                continue;
            }
            int n = b.getInt(pos + LogFormat.RECORD_LENGTH);
            if (n >= 0 && n <= size - pos - LogFormat.RECORD_HEADER_BYTES) {
                b.putInt(pos + LogFormat.RECORD_CRC, crc(crc, b, pos + LogFormat.RECORD_LENGTH,
                        pos + LogFormat.RECORD_HEADER_BYTES + n));
            }
        }
    }

    private static int crc(CRC32C crc, ByteBuffer b, int from, int to) {
        crc.reset();
        crc.update(b.array(), from, to - from);
        return (int) crc.getValue();
    }

    private static void clear() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
    }
}
