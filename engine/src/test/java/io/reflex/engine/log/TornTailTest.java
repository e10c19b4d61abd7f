package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A crash mid-write leaves a torn tail at the end of the last segment: readers skip it (counted),
 * every earlier record reads back, and a reopened writer resumes after the last valid record in a
 * new segment.
 */
class TornTailTest {

    private static final int RECORDS = 400;

    @TempDir
    Path dir;

    private Written writeLog(long seed, long segmentBytes) {
        return Written.log(dir, seed, RECORDS, segmentBytes);
    }

    private Path lastSegment() {
        return Written.segments(dir).getLast();
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5A);
        }
    }

    private void assertEverythingBeforeIsReadAndTheTailSkipped(Written written, int valid) throws IOException {
        DecisionLogReader reader = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(reader), valid);
        assertEquals(1, reader.tornTailsSkipped());
        assertEquals(valid, reader.records());
        assertEquals(valid, reader.nextSequence());
        LogDamage.Skipped tail = assertInstanceOf(LogDamage.Skipped.class, Written.only(reader.damage()));
        assertTrue(tail.tornTail(), tail.describe());
        assertEquals(lastSegment(), tail.segment());
        assertEquals(Files.size(lastSegment()), tail.offset() + tail.length(), "the tail runs to the end");
        assertEquals(0, tail.recordsLost());
    }

    @Test
    void aLastRecordCutShortIsSkippedAndEveryEarlierRecordRead() throws IOException {
        SplittableRandom random = new SplittableRandom(321);
        Written written = writeLog(322, 8192);
        List<Integer> offsets = Written.recordOffsets(lastSegment());
        int start = offsets.get(offsets.size() - 2);
        int end = offsets.getLast();
        // Cut anywhere after the record's first byte and before its end.
        truncate(lastSegment(), start + 1 + random.nextInt(end - start - 1));

        assertEverythingBeforeIsReadAndTheTailSkipped(written, RECORDS - 1);
    }

    @Test
    void aRecordHeaderCutShortIsSkipped() throws IOException {
        Written written = writeLog(323, 8192);
        List<Integer> offsets = Written.recordOffsets(lastSegment());
        truncate(lastSegment(), offsets.get(offsets.size() - 2) + 3);

        assertEverythingBeforeIsReadAndTheTailSkipped(written, RECORDS - 1);
    }

    @Test
    void aFlippedByteAnywhereInTheLastRecordIsSkippedAsATornTail() throws IOException {
        SplittableRandom random = new SplittableRandom(324);
        Written written = writeLog(325, 8192);
        List<Integer> offsets = Written.recordOffsets(lastSegment());
        int start = offsets.get(offsets.size() - 2);
        flipByte(lastSegment(), start + random.nextInt(offsets.getLast() - start));

        assertEverythingBeforeIsReadAndTheTailSkipped(written, RECORDS - 1);
    }

    @Test
    void aCorruptRecordInsideTheLastSegmentCostsOnlyThatRecord() throws IOException {
        Written written = writeLog(326, 64L << 20);
        assertEquals(1, Written.segments(dir).size());
        List<Integer> offsets = Written.recordOffsets(lastSegment());
        int victim = 250;
        flipByte(lastSegment(), offsets.get(victim) + LogFormat.RECORD_HEADER_BYTES + 3);

        DecisionLogReader reader = DecisionLogReader.open(dir);
        List<LogRecord> read = Written.read(reader);
        assertEquals(RECORDS - 1, read.size());
        written.assertReadBack(read.subList(0, victim), victim);
        for (int i = victim + 1; i < RECORDS; i++) {
            Written.assertSame(written.records.get(i), read.get(i - 1));
        }
        assertEquals(0, reader.tornTailsSkipped(), "corruption followed by valid records is no torn tail");
        assertEquals(new LogDamage.Skipped(lastSegment(), offsets.get(victim), offsets.get(victim + 1) - offsets.get(victim),
                false, 1, "a record failing its CRC32C"), Written.only(reader.damage()));
        assertEquals(RECORDS, reader.nextSequence());
    }

    @Test
    void aReopenedWriterResumesAfterATornTailInANewSegment() throws IOException {
        Written written = writeLog(327, 8192);
        int segmentsBefore = Written.segments(dir).size();
        List<Integer> offsets = Written.recordOffsets(lastSegment());
        truncate(lastSegment(), offsets.getLast() - 5);

        Written more = new Written(328);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(16).segmentBytes(8192).open()) {
            assertEquals(RECORDS - 1, writer.firstSequence(), "the torn record's sequence is reused");
            assertTrue(Files.exists(dir.resolve(LogFormat.segmentName(RECORDS - 1))), "a new segment");
            more.mixed(writer, 150, 16);
        }

        assertTrue(Written.segments(dir).size() > segmentsBefore);
        DecisionLogReader reader = DecisionLogReader.open(dir);
        List<LogRecord> read = Written.read(reader);
        assertEquals(1, reader.tornTailsSkipped());
        assertEquals(RECORDS - 1 + 150, read.size());
        written.assertReadBack(read.subList(0, RECORDS - 1), RECORDS - 1);
        for (int i = 0; i < 150; i++) {
            Written.assertSame(more.records.get(i), read.get(RECORDS - 1 + i));
        }
    }

    @Test
    void aSegmentCreatedJustBeforeACrashIsReplacedWhenTheWriterReopens() throws IOException {
        Written written = writeLog(329, 8192);
        // A crash right after a rotation: the next segment has a header, or part of one, and no record.
        Path empty = dir.resolve(LogFormat.segmentName(RECORDS));
        Files.write(empty, Arrays.copyOf(LogFormat.header(RECORDS).array(), 13));
        DecisionLogReader torn = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(torn), RECORDS);
        assertEquals(1, torn.tornTailsSkipped(), "a partial header is skipped like a torn tail");

        Written more = new Written(330);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(16).segmentBytes(8192).open()) {
            assertEquals(RECORDS, writer.firstSequence());
            more.mixed(writer, 30, 16);
        }

        DecisionLogReader reader = DecisionLogReader.open(dir);
        List<LogRecord> read = Written.read(reader);
        assertEquals(0, reader.tornTailsSkipped(), "the empty segment was replaced, not kept");
        written.assertReadBack(read.subList(0, RECORDS), RECORDS);
        for (int i = 0; i < 30; i++) {
            Written.assertSame(more.records.get(i), read.get(RECORDS + i));
        }
    }

    @Test
    void aSegmentThatIsNotAReflexLogIsSkippedAsCorruption() throws IOException {
        Written written = writeLog(331, 8192);
        byte[] foreign = new byte[300];
        new SplittableRandom(332).nextBytes(foreign);
        Path file = dir.resolve(LogFormat.segmentName(RECORDS));
        Files.write(file, foreign);

        DecisionLogReader reader = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(reader), RECORDS);
        assertEquals(0, reader.tornTailsSkipped(), "a whole segment with a bad header is no crash's tail");
        assertEquals(new LogDamage.Skipped(file, 0, 300, false, 0, "not a Reflex decision log header"),
                Written.only(reader.damage()));
    }
}
