package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damage inside a log costs only the records it touches: the reader resynchronises on the next
 * valid record, and reports every skipped range and missing segment with its file, offset and the
 * records it took.
 */
class ResynchronisationTest {

    private static final int RECORDS = 3_000;

    @TempDir
    Path dir;

    private Written writeLog(long seed, long segmentBytes) {
        return Written.log(dir, seed, RECORDS, segmentBytes);
    }

    /** Asserts that {@code read} is exactly the written records but those of {@code lost}, in order. */
    private static void assertReadBackAllBut(Written written, List<LogRecord> read, long lostFrom, long lostTo) {
        assertEquals(RECORDS - (lostTo - lostFrom), read.size(), "records read back");
        int i = 0;
        for (Written.Appended expected : written.records) {
            if (expected.sequence() < lostFrom || expected.sequence() >= lostTo) {
                Written.assertSame(expected, read.get(i++));
            }
        }
    }

    @Test
    void sixteenFlippedBytesInTheMiddleOfASegmentLoseOnlyTheRecordsTheyTouch() throws IOException {
        Written written = writeLog(401, 64L << 10);
        List<Path> segments = Written.segments(dir);
        assertTrue(segments.size() >= 3, segments.size() + " segments");
        Path segment = segments.get(segments.size() / 2);
        long first = Written.headerSequence(segment);
        List<Integer> offsets = Written.recordOffsets(segment);
        int at = offsets.getLast() / 2 - 8;
        // The records whose bytes meet [at, at + 16): one or two, exactly.
        int firstHit = 0;
        while (offsets.get(firstHit + 1) <= at) {
            firstHit++;
        }
        int lastHit = firstHit;
        while (offsets.get(lastHit + 1) < at + 16) {
            lastHit++;
        }
        int hit = lastHit - firstHit + 1;
        flip(segment, at, 16);

        DecisionLogReader reader = DecisionLogReader.open(dir);
        List<LogRecord> read = Written.read(reader);

        assertReadBackAllBut(written, read, first + firstHit, first + firstHit + hit);
        LogDamage.Skipped skipped = (LogDamage.Skipped) Written.only(reader.damage());
        assertEquals(segment, skipped.segment());
        assertEquals((long) offsets.get(firstHit), skipped.offset(), "the range starts at the first record hit");
        assertEquals(offsets.get(lastHit + 1) - offsets.get(firstHit), skipped.length(), "and ends where the next valid one starts");
        assertEquals(hit, skipped.recordsLost());
        assertTrue(skipped.isCorruption());
        assertEquals(0, reader.tornTailsSkipped());
        assertEquals(RECORDS, reader.nextSequence());
    }

    @Test
    void aDeletedMiddleSegmentIsReportedByItsNameAndSequences() throws IOException {
        Written written = writeLog(402, 4096);
        List<Path> segments = Written.segments(dir);
        Path deleted = segments.get(segments.size() / 2);
        long first = Written.headerSequence(deleted);
        long next = Written.headerSequence(segments.get(segments.size() / 2 + 1));
        Files.delete(deleted);

        DecisionLogReader reader = DecisionLogReader.open(dir);
        List<LogRecord> read = Written.read(reader);

        assertReadBackAllBut(written, read, first, next);
        assertEquals(new LogDamage.MissingSegment(deleted, first, next - first), Written.only(reader.damage()));
        assertTrue(Written.only(reader.damage()).describe().contains(deleted.getFileName().toString()));
        assertEquals(segments.size() - 1, reader.segments());
    }

    @Test
    void segmentsDeletedFromTheStartOfTheLogAreRetentionNotDamage() throws IOException {
        Written written = writeLog(403, 4096);
        List<Path> segments = Written.segments(dir);
        long kept = Written.headerSequence(segments.get(2));
        Files.delete(segments.get(0));
        Files.delete(segments.get(1));

        DecisionLogReader reader = DecisionLogReader.open(dir);
        assertReadBackAllBut(written, Written.read(reader), 0, kept);
        assertEquals(List.of(), reader.damage());
    }

    @Test
    void aMiddleSegmentCutShortIsCorruptionThatCountsItsLostRecords() throws IOException {
        Written written = writeLog(404, 4096);
        List<Path> segments = Written.segments(dir);
        Path segment = segments.get(3);
        long first = Written.headerSequence(segment);
        long next = Written.headerSequence(segments.get(4));
        List<Integer> offsets = Written.recordOffsets(segment);
        int keep = offsets.size() / 2;
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(offsets.get(keep) + 5);
        }

        DecisionLogReader reader = DecisionLogReader.open(dir);
        assertReadBackAllBut(written, Written.read(reader), first + keep, next);
        assertEquals(new LogDamage.Skipped(segment, offsets.get(keep), 5, false, next - first - keep,
                "a record header cut short"), Written.only(reader.damage()));
        assertEquals(0, reader.tornTailsSkipped(), "records are missing after it: no crash leaves that");
    }

    @Test
    void aDamagedHeaderCostsNoRecordOfAFramedSegment() throws IOException {
        Written written = writeLog(405, 4096);
        Path segment = Written.segments(dir).get(2);
        flip(segment, new SplittableRandom(406).nextInt(LogFormat.HEADER_BYTES), 1);

        DecisionLogReader reader = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(reader), RECORDS);
        LogDamage.Skipped skipped = (LogDamage.Skipped) Written.only(reader.damage());
        assertEquals(segment, skipped.segment());
        assertEquals(0, skipped.offset());
        assertEquals(LogFormat.HEADER_BYTES, skipped.length());
        assertEquals(0, skipped.recordsLost());
        assertTrue(skipped.isCorruption());
    }

    @Test
    void everyDamageIsOneLineNamingItsFileAndOffset() throws IOException {
        writeLog(407, 4096);
        Path segment = Written.segments(dir).get(1);
        List<Integer> offsets = Written.recordOffsets(segment);
        flip(segment, offsets.get(2) + 1, 2);

        LogDamage d = Written.only(damageOf(dir));
        assertEquals(segment + " at byte " + offsets.get(2) + ": " + (offsets.get(3) - offsets.get(2))
                + " bytes skipped (corrupt: no record magic), 1 record lost", d.describe());
    }

    private static List<LogDamage> damageOf(Path dir) {
        DecisionLogReader reader = DecisionLogReader.open(dir);
        reader.forEach(r -> { });
        return reader.damage();
    }

    static void flip(Path file, long at, int bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] b = new byte[bytes];
            f.seek(at);
            f.readFully(b);
            for (int i = 0; i < bytes; i++) {
                b[i] ^= (byte) 0xA5;
            }
            f.seek(at);
            f.write(b);
        }
    }
}
