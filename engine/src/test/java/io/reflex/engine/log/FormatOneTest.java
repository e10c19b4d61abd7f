package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Logs written in format 1 (before records were framed) stay readable, alone or continued by a
 * writer of today's format. The format 1 segments are made here from the documented layout: each
 * framed record's payload rewritten as {@code u32 length | u32 CRC32C of the payload | payload}
 * under a header of format 1 with a check of 0.
 */
class FormatOneTest {

    private static final int RECORDS = 600;

    @TempDir
    Path dir;

    private Written writeFormatOneLog(long seed) throws IOException {
        Written written = new Written(seed);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(16).segmentBytes(4096).open()) {
            written.mixed(writer, RECORDS, 16);
        }
        for (Path segment : Written.segments(dir)) {
            Files.write(segment, toFormatOne(segment));
        }
        return written;
    }

    /** {@code segment}'s records in format 1's layout. */
    static byte[] toFormatOne(Path segment) {
        byte[] framed = Written.bytes(segment);
        ByteBuffer in = ByteBuffer.wrap(framed).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(framed.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(LogFormat.MAGIC).putInt(LogFormat.FORMAT_VERSION_1).putInt(0)
                .putLong(in.getLong(LogFormat.HEADER_FIRST_SEQUENCE));
        List<Integer> offsets = Written.recordOffsets(segment);
        CRC32C crc = new CRC32C();
        for (int i = 0; i + 1 < offsets.size(); i++) {
            int payload = offsets.get(i) + LogFormat.RECORD_HEADER_BYTES;
            int length = offsets.get(i + 1) - payload;
            crc.reset();
            crc.update(framed, payload, length);
            out.putInt(length).putInt((int) crc.getValue()).put(framed, payload, length);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    @Test
    void aFormatOneLogReadsBackBitForBit() throws IOException {
        Written written = writeFormatOneLog(501);
        assertEquals(LogFormat.FORMAT_VERSION_1,
                ByteBuffer.wrap(Written.bytes(Written.segments(dir).getFirst())).order(ByteOrder.LITTLE_ENDIAN)
                        .getInt(LogFormat.HEADER_VERSION));

        DecisionLogReader reader = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(reader), RECORDS);
        assertEquals(List.of(), reader.damage());
        assertEquals(RECORDS, reader.nextSequence());
    }

    @Test
    void aWriterContinuesAFormatOneLogInTodaysFormatAndBothRead() throws IOException {
        Written written = writeFormatOneLog(502);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(16).open()) {
            assertEquals(RECORDS, writer.firstSequence());
            written.mixed(writer, 200, 16);
        }

        DecisionLogReader reader = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(reader), RECORDS + 200);
        assertEquals(List.of(), reader.damage());
    }

    @Test
    void aCorruptFormatOneRecordEndsItsSegmentAndTheNextSegmentsNameCountsTheLoss() throws IOException {
        Written written = writeFormatOneLog(503);
        List<Path> segments = Written.segments(dir);
        Path segment = segments.get(2);
        long first = Written.headerSequence(segment);
        long next = Written.headerSequence(segments.get(3));
        int at = LogFormat.HEADER_BYTES + 3 * 4;
        ResynchronisationTest.flip(segment, at, 1);

        DecisionLogReader reader = DecisionLogReader.open(dir);
        List<LogRecord> read = Written.read(reader);
        assertEquals(RECORDS - (next - first), read.size());
        LogDamage.Skipped skipped = (LogDamage.Skipped) Written.only(reader.damage());
        assertEquals(segment, skipped.segment());
        assertEquals(LogFormat.HEADER_BYTES, skipped.offset(), "the first record, whose payload was hit");
        assertEquals(Files.size(segment) - LogFormat.HEADER_BYTES, skipped.length());
        assertEquals(next - first, skipped.recordsLost());
        assertTrue(skipped.isCorruption());
    }

    @Test
    void aFormatOneLogCutShortEndsInATornTail() throws IOException {
        Written written = writeFormatOneLog(504);
        Path last = Written.segments(dir).getLast();
        long size = Files.size(last);
        try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
            f.setLength(size - 3);
        }

        DecisionLogReader reader = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(reader), RECORDS - 1);
        assertEquals(1, reader.tornTailsSkipped());
        assertTrue(((LogDamage.Skipped) Written.only(reader.damage())).tornTail());
    }
}
