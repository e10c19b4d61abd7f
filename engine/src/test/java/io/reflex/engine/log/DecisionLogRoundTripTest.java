package io.reflex.engine.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is appended is read back bit for bit, in order, across segments and writer restarts. */
class DecisionLogRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void readsBackEveryDecisionAndOutcomeBitForBit() {
        Written written = new Written(301);
        long before = System.currentTimeMillis() * 1_000;
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(40).open()) {
            assertEquals(0, writer.firstSequence());
            written.mixed(writer, 3_000, 40);
            assertEquals(3_000, writer.appended());
        }
        long after = System.currentTimeMillis() * 1_000;

        DecisionLogReader reader = DecisionLogReader.open(dir);
        List<LogRecord> read = Written.read(reader);

        written.assertReadBack(read, 3_000);
        assertEquals(3_000, reader.records());
        assertEquals(3_000, reader.nextSequence());
        assertEquals(0, reader.tornTailsSkipped());
        for (LogRecord r : read) {
            long micros = r instanceof LogRecord.Decision d ? d.epochMicros() : ((LogRecord.Outcome) r).epochMicros();
            // The writer's clock is the wall clock at open plus elapsed nanoTime: allow a second of skew.
            assertTrue(micros >= before - 1_000_000 && micros <= after + 1_000_000, "epoch micros " + micros);
        }
    }

    @Test
    void reportsFlushesInOrderUpToTheLastRecord() {
        List<Long> flushed = Collections.synchronizedList(new ArrayList<>());
        Written written = new Written(302);
        DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(8).onFlushed(flushed::add).open();
        assertEquals(-1, writer.flushedSequence(), "nothing flushed yet");
        written.mixed(writer, 500, 8);
        writer.close();

        assertEquals(499, writer.flushedSequence());
        assertEquals(499L, flushed.getLast());
        for (int i = 1; i < flushed.size(); i++) {
            assertTrue(flushed.get(i) > flushed.get(i - 1), "flushes move forward: " + flushed);
        }
        assertEquals(0, writer.dropped());
        written.assertReadBack(Written.read(DecisionLogReader.open(dir)), 500);
    }

    @Test
    void segmentsRotateBySizeAndNoRecordSpansTwoSegments() throws IOException {
        Written written = new Written(303);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(24).segmentBytes(4096).open()) {
            written.mixed(writer, 2_000, 24);
        }

        List<Path> segments = Written.segments(dir);
        assertTrue(segments.size() > 10, segments.size() + " segments");
        long expectedFirst = 0;
        for (Path segment : segments) {
            assertTrue(Files.size(segment) <= 4096, segment + " has " + Files.size(segment) + " bytes");
            long first = Written.headerSequence(segment);
            assertEquals(LogFormat.segmentName(first), segment.getFileName().toString());
            assertEquals(expectedFirst, first, "segments follow each other without a gap");
            // Each segment read on its own holds whole records only, starting at its first sequence.
            Path alone = Files.createDirectories(dir.resolve("alone-" + first));
            Files.copy(segment, alone.resolve(segment.getFileName()));
            DecisionLogReader reader = DecisionLogReader.open(alone);
            List<LogRecord> records = Written.read(reader);
            assertEquals(0, reader.tornTailsSkipped(), segment.toString());
            assertEquals(Written.recordOffsets(segment).size() - 1, records.size());
            for (int i = 0; i < records.size(); i++) {
                Written.assertSame(written.records.get((int) first + i), records.get(i));
            }
            expectedFirst = first + records.size();
        }
        assertEquals(2_000, expectedFirst);
        written.assertReadBack(Written.read(DecisionLogReader.open(dir)), 2_000);
    }

    @Test
    void aReopenedWriterContinuesTheSequenceInANewSegment() {
        Written written = new Written(304);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(8).open()) {
            written.mixed(writer, 300, 8);
        }
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(8).open()) {
            assertEquals(300, writer.firstSequence());
            assertEquals(299, writer.flushedSequence());
            written.mixed(writer, 200, 8);
        }

        assertEquals(List.of(LogFormat.segmentName(0), LogFormat.segmentName(300)),
                Written.segments(dir).stream().map(p -> p.getFileName().toString()).toList());
        written.assertReadBack(Written.read(DecisionLogReader.open(dir)), 500);
    }

    @Test
    void syncedDurabilityWritesTheSameRecords() {
        Written written = new Written(305);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(8)
                .durability(DecisionLogWriter.Durability.FSYNC).open()) {
            written.mixed(writer, 200, 8);
        }
        written.assertReadBack(Written.read(DecisionLogReader.open(dir)), 200);
    }

    @Test
    void logsOnlyTheFeaturesItIsToldToAndNoneWhenThereAreNone() {
        Written written = new Written(306);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(0).open()) {
            DecisionLogWriter.LoopLog log = writer.forLoop("empty");
            for (int i = 0; i < 20; i++) {
                written.decision(log, "empty", 0);
            }
        }
        List<LogRecord> read = Written.read(DecisionLogReader.open(dir));
        written.assertReadBack(read, 20);
        assertEquals(0, ((LogRecord.Decision) read.getFirst()).features().length);
    }

    @Test
    void refusesBadArgumentsWithMessagesThatSayWhy() {
        DecisionLogWriter.Builder b = DecisionLogWriter.builder(dir);
        assertEquals("capacity must be in [2, 16777216] records, got 1",
                assertThrows(IllegalArgumentException.class, () -> b.capacity(1)).getMessage());
        assertEquals("max features must be in [0, 65535], got 65536",
                assertThrows(IllegalArgumentException.class, () -> b.maxFeatures(65_536)).getMessage());
        assertEquals("segment size must be in [4096, 1073741824] bytes, got 4095",
                assertThrows(IllegalArgumentException.class, () -> b.segmentBytes(4095)).getMessage());
        assertEquals("segment size must be in [4096, 1073741824] bytes, got 1073741825",
                assertThrows(IllegalArgumentException.class, () -> b.segmentBytes((1L << 30) + 1)).getMessage());
        assertThrows(NullPointerException.class, () -> DecisionLogWriter.builder(null));

        DecisionLogWriter writer = b.maxFeatures(4).open();
        assertEquals("loop name must be 1..64 UTF-8 bytes, got 0",
                assertThrows(IllegalArgumentException.class, () -> writer.forLoop("")).getMessage());
        assertEquals("loop name must be 1..64 UTF-8 bytes, got 66",
                assertThrows(IllegalArgumentException.class, () -> writer.forLoop("é".repeat(33))).getMessage());
        DecisionLogWriter.LoopLog log = writer.forLoop("loop");
        assertEquals("feature count 5 is outside [0, 4]",
                assertThrows(IllegalArgumentException.class, () -> log.decision(1, new float[8], 5, 0, 1f)).getMessage());
        assertEquals("feature count 3 is outside [0, 2]",
                assertThrows(IllegalArgumentException.class, () -> log.decision(1, new float[2], 3, 0, 1f)).getMessage());
        assertEquals("feature count -1 is outside [0, 4]",
                assertThrows(IllegalArgumentException.class, () -> log.decision(1, new float[8], -1, 0, 1f)).getMessage());
        assertEquals(0, writer.appended(), "refused records take no sequence number");
        writer.close();

        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> log.outcome(0, 1f));
        assertTrue(closed.getMessage().endsWith("is closed"), closed.getMessage());
        UncheckedIOException missing = assertThrows(UncheckedIOException.class,
                () -> DecisionLogReader.open(dir.resolve("absent")));
        assertTrue(missing.getMessage().contains("decision log directory not found"), missing.getMessage());
    }

    @Test
    void ignoresFilesThatAreNotSegments() throws IOException {
        Written written = new Written(307);
        try (DecisionLogWriter writer = DecisionLogWriter.builder(dir).maxFeatures(4).open()) {
            written.mixed(writer, 50, 4);
        }
        Files.writeString(dir.resolve("README.txt"), "notes");
        Files.writeString(dir.resolve("decisions-1.rlog"), "a short name is not a segment");
        DecisionLogReader reader = DecisionLogReader.open(dir);
        written.assertReadBack(Written.read(reader), 50);
        assertEquals(0, reader.tornTailsSkipped());
    }
}
